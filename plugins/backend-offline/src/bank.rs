//! The planner's phrasings, as data: questions, key points and closings. A question is a lead
//! and a follow-up, each chosen from the topic so that different topics read differently; `{s}`
//! is the subject, `{q}` a quote from the notes, `{who}` the people the notes name, `{p}` a
//! proposal, `{g}` its goal.

use refine_topic::TopicKind;

/// Leads and follow-ups for one angle.
pub(crate) struct Bank {
    pub(crate) leads: &'static [&'static str],
    pub(crate) tails: &'static [&'static str],
}

/// The core problem, by kind of item.
pub(crate) fn core(kind: TopicKind) -> Bank {
    use TopicKind::*;
    match kind {
        Bug => Bank {
            leads: &[
                "When “{s}” happens, what exactly do people see",
                "Under which conditions does “{s}” show up",
                "What were people trying to do when they ran into “{s}”",
                "Since when has “{s}” been happening",
                "How do people find out that “{s}” has hit them",
            ],
            tails: &[
                ", and what changed around the time it started?",
                ", and how do they work around it?",
                ", and how many people run into it?",
                ", and what does it cost them each time?",
                ", and what would they expect to happen instead?",
            ],
        },
        Performance => Bank {
            leads: &[
                "Where exactly do people feel “{s}”",
                "Which moments does “{s}” slow down",
                "How slow is “{s}” for the people who complain",
                "When is “{s}” at its worst",
            ],
            tails: &[
                ", and what are they trying to get done at that moment?",
                ", and what do people do while they wait?",
                ", and how do we know it is getting worse?",
                ", and what would fast enough mean to them?",
            ],
        },
        Ux => Bank {
            leads: &[
                "At which step does “{s}” trip people up",
                "What do people expect when they meet “{s}”",
                "Who struggles most with “{s}”",
                "What does a first-time user make of “{s}”",
            ],
            tails: &[
                ", and what were they expecting instead?",
                ", and what do they try next?",
                ", and where do they give up?",
                ", and how do we know beyond our own impression?",
            ],
        },
        Compliance => Bank {
            leads: &[
                "Which obligation lies behind “{s}”",
                "What exactly do the rules require for “{s}”",
                "Who asked for “{s}”, and on the basis of which text",
                "What happens if “{s}” is not met",
            ],
            tails: &[
                ", and what happens to customers and to us if we miss it?",
                ", and who will check that we met it?",
                ", and which parts are only our interpretation?",
                ", and by when must it hold?",
            ],
        },
        Migration => Bank {
            leads: &[
                "What problem does “{s}” solve for the people who use the current system",
                "What hurts today that “{s}” is meant to end",
                "What do we lose if “{s}” never happens",
                "Why does “{s}” matter now rather than next year",
            ],
            tails: &[
                ", and who feels it?",
                ", and how do we know?",
                ", and what would staying put cost us?",
                ", and who pays for the wait?",
            ],
        },
        Integration => Bank {
            leads: &[
                "What are people trying to get done across systems when they ask for “{s}”",
                "Where does the work break down today without “{s}”",
                "What information has to travel for “{s}”",
                "Who copies things by hand because “{s}” is missing",
            ],
            tails: &[
                ", and how often?",
                ", and what goes wrong on the way?",
                ", and which side owns the problem?",
                ", and what does a mistake cost?",
            ],
        },
        TechDebt => Bank {
            leads: &[
                "How does “{s}” slow us down today",
                "Where did “{s}” last cost us time or cause an incident",
                "What would become possible without “{s}”",
                "Who on the team trips over “{s}” most",
            ],
            tails: &[
                ", and does it put customers at risk?",
                ", and how do we know it is getting worse?",
                ", and what is it blocking?",
                ", and what would show the cost to someone outside the team?",
            ],
        },
        Research => Bank {
            leads: &[
                "What do we need to learn about “{s}”",
                "Which decision is waiting on “{s}”",
                "What do we already know about “{s}”",
                "Who has the answers on “{s}”",
            ],
            tails: &[
                ", and what decision is waiting on the answer?",
                ", and by when do we need to know?",
                ", and what answer would change our plans?",
                ", and how will we know we have learned enough?",
            ],
        },
        Feature => Bank {
            leads: &[
                "What need lies behind “{s}”",
                "Who asks for “{s}”",
                "What do people do today instead of “{s}”",
                "What problem would “{s}” solve",
                "In which situation do people miss “{s}”",
            ],
            tails: &[
                ", and how do we know the need is real?",
                ", and how often does it come up?",
                ", and what does doing without it cost them?",
                ", and for whom first?",
                ", and what have they told us in their own words?",
            ],
        },
    }
}

/// The core problem of a title that proposes a solution: the proposal is a hypothesis.
pub(crate) const PROPOSAL: Bank = Bank {
    leads: &[
        "“{p}” is one possible answer: what problem does it answer",
        "Before “{p}”, what is the problem behind it",
        "If “{p}” is the answer, what exactly is the question",
    ],
    tails: &[
        ", and who feels that problem today?",
        ", and how would we know it is the right one?",
        ", and what else could answer it?",
    ],
};

/// The core problem of a proposal with a goal ("to reduce bundle size").
pub(crate) const GOAL: Bank = Bank {
    leads: &[
        "What does {g} cost us today",
        "Where does {g} hurt",
        "How big a problem is {g}",
    ],
    tails: &[
        ", and who pays it?",
        ", and who would notice if it changed?",
        ", and how do we know?",
    ],
};

/// Who is affected.
pub(crate) const STAKEHOLDERS: Bank = Bank {
    leads: &[
        "Who runs into “{s}” first",
        "Who is affected by “{s}”",
        "Whose day gets harder because of “{s}”",
        "Which people feel “{s}” most",
        "Who has told us about “{s}”",
        "Which roles live with “{s}” every week",
        "Who would notice first if “{s}” went away",
        "Whose work touches “{s}”",
    ],
    tails: &[
        ", and how does each group experience it differently?",
        ", and which of those people should be in the room next time?",
        ", and whose voice is missing from what we know?",
        ", and what does each group lose today?",
        ", and who only hears about it second-hand?",
        ", and do they all describe it the same way?",
        ", and which of those people have we actually talked to?",
        ", and who would disagree with how we describe it?",
    ],
};

/// What it depends on.
pub(crate) const DEPENDENCIES: Bank = Bank {
    leads: &[
        "What does “{s}” depend on",
        "Which systems, teams or vendors sit around “{s}”",
        "What else changes if “{s}” changes",
        "Which other work is tangled up with “{s}”",
        "Who else owns a piece of “{s}”",
        "Which upstream data or services does “{s}” rely on",
        "Which commitments to other teams touch “{s}”",
        "Where does “{s}” cross a team or system boundary",
    ],
    tails: &[
        ", and which of those pieces do we not control?",
        ", and what depends on it in turn?",
        ", and who would we need to ask before going further?",
        ", and which of those pieces could block us?",
        ", and what breaks elsewhere if we get it wrong?",
        ", and when did we last talk to the people who own those pieces?",
        ", and which link do we understand least?",
        ", and what would we need from their owners to learn more?",
    ],
};

/// What bounds it.
pub(crate) const CONSTRAINTS: Bank = Bank {
    leads: &[
        "What limits shape “{s}”",
        "Which rules, contracts or platforms bound “{s}”",
        "What must stay true whatever we learn about “{s}”",
        "Which dates or commitments press on “{s}”",
        "What can we not change around “{s}”",
        "Which technical limits sit under “{s}”",
        "What would legal, security or finance say about “{s}”",
        "Which constraints on “{s}” are real and which are habit",
    ],
    tails: &[
        ", and which limits are truly non-negotiable?",
        ", and who set those limits?",
        ", and which limits could we question?",
        ", and how do we know the limits still hold?",
        ", and what do the limits rule out before we start?",
        ", and which limit would we regret ignoring?",
        ", and where are the limits written down?",
        ", and which limits have we only assumed?",
    ],
};

/// What we believe without having checked.
pub(crate) const ASSUMPTIONS: Bank = Bank {
    leads: &[
        "What are we assuming about “{s}”",
        "Which belief about “{s}” would hurt most if it were wrong",
        "What do we think we know about “{s}”",
        "Which part of “{s}” have we only heard about second-hand",
        "What would surprise us about “{s}”",
        "Where is our picture of “{s}” thinnest",
        "What have we not yet checked about “{s}”",
        "Which story about “{s}” do we tell without evidence",
    ],
    tails: &[
        ", and how could we check it cheaply?",
        ", and what evidence would change our minds?",
        ", and who could tell us?",
        ", and what would we do differently if it were false?",
        ", and how old is what we know?",
        ", and what would a user say?",
        ", and which data would settle it?",
        ", and who holds the opposite view?",
    ],
};

/// What evidence there is.
pub(crate) const EVIDENCE: Bank = Bank {
    leads: &[
        "What evidence do we have about “{s}”",
        "What do tickets, interviews or metrics say about “{s}”",
        "How often does “{s}” come up",
        "How do we know “{s}” is real",
    ],
    tails: &[
        ", and what is missing?",
        ", and who collected it?",
        ", and how recent is it?",
        ", and what would convince a sceptic?",
    ],
};

/// Questions that use a fact from the notes, by what the fact tells.
pub(crate) mod facts {
    /// The people the notes name.
    pub(crate) const AFFECTED: &[&str] = &[
        "The notes name {who}: who among them feels “{s}” most, and who is missing from that list?",
        "The notes mention {who}: how does “{s}” look from each of their seats?",
        "According to the notes, {who} are involved: what do they each need us to understand about “{s}”?",
    ];
    /// A constraint.
    pub(crate) const CONSTRAINT: &[&str] = &[
        "The notes say “{q}”: is that a hard limit, who set it, and what does it rule out?",
        "The notes say “{q}”: what does that rule out, and does it still hold?",
        "Per the notes, “{q}”: who can confirm that limit, and does it apply in every case?",
    ];
    /// A number or measure.
    pub(crate) const MEASURE: &[&str] = &[
        "The notes cite “{q}”: where does that figure come from, and what should it be?",
        "The notes say “{q}”: what does that number tell us about who is hit, and how often?",
        "Per the notes, “{q}”: is that figure trusted, and what would we compare it with?",
    ];
    /// When it happens.
    pub(crate) const CONDITION: &[&str] = &[
        "The notes say “{q}”: is that the only way it happens, and what changed around then?",
        "According to the notes, “{q}”: which other situations lead to the same result?",
        "The notes describe “{q}”: how many people are in that situation, and how often?",
    ];
    /// Something it relies on.
    pub(crate) const DEPENDENCY: &[&str] = &[
        "The notes say “{q}”: who owns that piece, and what do they know about “{s}”?",
        "According to the notes, “{q}”: what would we need from the people on the other side?",
        "The notes say “{q}”: how much of “{s}” is really in our hands?",
    ];
    /// A proposed solution.
    pub(crate) const PROPOSAL: &[&str] = &[
        "The notes suggest “{q}”: what problem would that answer, and how would we know it is the right one?",
        "The notes propose “{q}”: which need is behind the idea, and who has it?",
        "Per the notes, “{q}”: what would have to be true for that to help?",
    ];
    /// An open disagreement.
    pub(crate) const DISAGREEMENT: &[&str] = &[
        "The notes show a disagreement (“{q}”): what would each side need to see to change its mind?",
        "The notes record “{q}”: what do the two views agree on, and where exactly do they part?",
        "Per the notes, “{q}”: which facts would settle this?",
    ];
    /// Anything else the notes say.
    pub(crate) const STATEMENT: &[&str] = &[
        "The notes say “{q}”: what does that tell us about “{s}”, and what does it leave open?",
        "What lies behind “{q}”, as the notes put it, and who could tell us more?",
        "The notes say “{q}”: is that true for everyone, or only for some?",
    ];
}

/// The closing statement's parts.
pub(crate) mod closing {
    use refine_topic::TopicKind;

    /// The thanks, naming the subject.
    pub(crate) const THANKS: &[&str] = &[
        "Thank you for staying with the problem behind “{s}” rather than its fix.",
        "Thanks for the care you put into understanding “{s}” before reaching for a solution.",
        "Thank you all: we know more about “{s}” than when we started.",
        "Thanks for questioning what we thought we knew about “{s}”.",
        "Thank you for keeping today's talk about “{s}” on the problem.",
        "Thanks for the honest questions about “{s}”; they were the point of today.",
    ];

    /// What an item needs next when the notes raised a disagreement.
    pub(crate) const DISAGREEMENT: &[&str] = &[
        "Before it is ready, the disagreement in the notes (“{q}”) needs settling with evidence, in a deep-dive with both sides.",
        "Before it is ready, we need the evidence that would settle “{q}”, gathered with both sides.",
    ];
    /// What an item needs next when the notes name a limit.
    pub(crate) const CONSTRAINT: &[&str] = &[
        "Before it is ready, it needs a deep-dive on “{q}” with whoever set that limit.",
        "Before it is ready, someone has to confirm “{q}” with its owner and write down what it rules out.",
    ];
    /// What an item needs next when the notes name something it relies on.
    pub(crate) const DEPENDENCY: &[&str] = &[
        "Before it is ready, it needs a deep-dive with the owners of what the notes say it relies on (“{q}”).",
        "Before it is ready, we need the other side of “{q}” in the room, or their answers in writing.",
    ];
    /// What an item needs next when the notes propose a solution.
    pub(crate) const PROPOSAL: &[&str] = &[
        "Before it is ready, the idea in the notes (“{q}”) stays a hypothesis until the problem behind it is confirmed.",
        "Before it is ready, we need to confirm the problem that “{q}” is meant to answer.",
    ];

    /// What an item needs next, by kind, when the notes raise nothing more pressing.
    pub(crate) fn by_kind(kind: TopicKind) -> &'static [&'static str] {
        use TopicKind::*;
        match kind {
            Bug => &[
                "Before it is ready, it needs a reliable reproduction and a clear picture of who is hit.",
                "Before it is ready, we need to know when it started and how many people it reaches.",
                "Before it is ready, it needs the exact conditions written down, and who first reported it.",
            ],
            Performance => &[
                "Before it is ready, it needs numbers on where the time goes and for whom.",
                "Before it is ready, we need a measurement everyone trusts, taken where people feel it.",
                "Before it is ready, it needs an agreed answer to how fast is fast enough, and for which moment.",
            ],
            Ux => &[
                "Before it is ready, it needs a look at real people at the step that trips them.",
                "Before it is ready, we need a few sessions watching people use it, not our own opinions.",
                "Before it is ready, it needs the moment of confusion named, in users' own words.",
            ],
            Compliance => &[
                "Before it is ready, it needs the exact obligation in writing and an owner for it.",
                "Before it is ready, we need the rule's text and a date, confirmed by whoever answers for it.",
                "Before it is ready, it needs legal's reading of what is required and what is our interpretation.",
            ],
            Migration => &[
                "Before it is ready, it needs a list of what depends on the current system.",
                "Before it is ready, we need to know who is affected by the move and what they stand to lose.",
                "Before it is ready, it needs the reason for moving now written down, with what staying would cost.",
            ],
            Integration => &[
                "Before it is ready, it needs both owners' view of what travels between the systems.",
                "Before it is ready, we need the people on each side of the connection in one conversation.",
                "Before it is ready, it needs the data that must travel named, with who owns each end.",
            ],
            TechDebt => &[
                "Before it is ready, it needs evidence of what it costs us today.",
                "Before it is ready, we need the incidents and delays it caused, collected in one place.",
                "Before it is ready, it needs a case someone outside the team would recognise.",
            ],
            Research => &[
                "Before it is ready, it needs the decision its answers feed, named.",
                "Before it is ready, we need to agree which answer would change our plans.",
                "Before it is ready, it needs a date by which we must know, and who will decide.",
            ],
            Feature => &[
                "Before it is ready, it needs evidence that the need is real, and for whom.",
                "Before it is ready, we need to hear the need from the people who have it.",
                "Before it is ready, it needs a clear picture of what people do today instead.",
            ],
        }
    }
}

/// How a key point applies a guide statement to the item.
pub(crate) mod key_points {
    use refine_topic::FactKind;

    use crate::content::Theme;

    /// When the notes name the people affected.
    pub(crate) const NAMED_PEOPLE: &str =
        "start from those the notes name ({who}) and ask who else “{s}” touches.";

    /// When the notes say something about the theme: the kind of fact and how to use it.
    pub(crate) fn from_notes(theme: Theme) -> Option<(FactKind, &'static str)> {
        match theme {
            Theme::Constraints => Some((
                FactKind::Constraint,
                "the notes say “{q}”; write down who set that limit and whether it holds.",
            )),
            Theme::Measurement => Some((
                FactKind::Measure,
                "the notes cite “{q}”; agree where that number comes from and what it should become.",
            )),
            Theme::Assumptions => Some((
                FactKind::Proposal,
                "the notes suggest “{q}”; treat it as a hypothesis until the problem is clear.",
            )),
            _ => None,
        }
    }

    /// Phrasings of a theme for the subject.
    pub(crate) fn plain(theme: Theme) -> &'static [&'static str] {
        match theme {
            Theme::Constraints => &[
                "write down the limits “{s}” must respect: rules, contracts, platforms and dates.",
                "list what cannot change around “{s}”, and who says so.",
            ],
            Theme::Stakeholders => &[
                "name everyone “{s}” touches, inside and outside the team, and who should be in the room.",
                "find the people who live with “{s}” and hear it in their words.",
            ],
            Theme::Measurement => &[
                "pick the numbers that show whether “{s}” gets better, and where they come from.",
                "agree which measure would show “{s}” improving, before anyone proposes a change.",
            ],
            Theme::Assumptions => &[
                "say out loud what we believe about “{s}” and how we could check it.",
                "separate what we know about “{s}” from what we have only assumed.",
            ],
            Theme::Understanding => &[
                "spend the session on what really lies behind “{s}” before anyone proposes a fix.",
                "make sure everyone can state the problem behind “{s}” in the same words.",
            ],
            Theme::Estimation => &[
                "leave effort talk for later; the team first needs a shared picture of “{s}”.",
                "keep sizing out of the room until “{s}” is understood.",
            ],
            Theme::Dependencies => &[
                "list the systems, teams and vendors “{s}” relies on before discussing options.",
                "trace what “{s}” is connected to, and who owns each link.",
            ],
            Theme::Success => &[
                "agree how we will know “{s}” is solved before talking about solutions.",
                "describe what would be different for people once “{s}” is behind us.",
            ],
            Theme::Timeboxing => &[
                "keep each part of the conversation on “{s}” to its timebox and park tangents.",
                "hold the timeboxes for “{s}” and park what does not belong to it.",
            ],
            Theme::Preparation => &[
                "share the material on “{s}” ahead of time so people arrive with questions.",
                "send what we know about “{s}” in advance, with its open questions.",
            ],
            Theme::Priorities => &[
                "explain why “{s}” matters now and how it fits the current goals.",
                "say what “{s}” competes with, and why it earns time this week.",
            ],
            Theme::Solutions => &[
                "resist designing a fix for “{s}” in the room; understanding comes first.",
                "note proposed fixes for “{s}” in the parking lot and return to the problem.",
            ],
        }
    }
}
