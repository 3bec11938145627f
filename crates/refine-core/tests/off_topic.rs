//! `pack-off-topic` reads the topic and its notes as one subject: a pack that speaks to the
//! notes is on topic even when it never names the title's words.

use refine_core::{Code, Guide, SessionRequest, Topic, analyze};

/// A pack about mobile checkout abandonment.
const CHECKOUT_PACK: &str = "<agenda>
1. Context Setting (15 min)
2. Problem Space Exploration (45 min)
3. Success Criteria Definition (20 min)
4. Session Retrospective (10 min)
</agenda>

<key_points>
- Refinement is about understanding the checkout problem deeply, not estimating solutions.
- Define clear success criteria, e.g. how we will measure abandonment on mobile.
- Map out dependencies with payments and identify affected stakeholders.
</key_points>

<discussion_questions>
1. At which step of the mobile checkout do most shoppers abandon?
2. Which payment methods do shoppers miss on mobile?
3. What constraints shape the mobile checkout experience?
</discussion_questions>

<closing_statement>
Thank you all for digging into this with curiosity rather than jumping to solutions. I'll share the session notes and action items by tomorrow.
</closing_statement>
";

fn off_topic(request: &SessionRequest) -> bool {
    analyze(CHECKOUT_PACK, &Guide::builtin(), request)
        .findings
        .iter()
        .any(|f| f.code == Code::PackOffTopic)
}

#[test]
fn a_pack_that_speaks_to_the_notes_is_on_topic() {
    let topic = || Topic::new("Quote toots in Mastodon").expect("topic");
    let alone = SessionRequest::new(topic());
    assert!(off_topic(&alone), "the pack shares nothing with the title");
    let with_notes = SessionRequest::new(topic())
        .with_context("Shoppers abandon the mobile checkout at the payment step.")
        .expect("notes");
    assert!(!off_topic(&with_notes), "the notes speak of the checkout");
    let other_notes = SessionRequest::new(topic())
        .with_context("Moderators worry quotes will be used for pile-ons.")
        .expect("notes");
    assert!(off_topic(&other_notes), "these notes do not");
}
