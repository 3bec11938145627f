//! Running cases: topics × backends × repeats in parallel (rayon), each result appended and
//! flushed to `results.jsonl` as it ends, so memory stays flat and an interrupted run keeps
//! every finished case.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use backend_replay::RecordingMeta;
use rayon::prelude::*;
use refine_core::template::PromptTemplate;
use refine_core::{Guide, SessionRequest, Severity};
use refine_host::Registry;
use refine_plugin::BackendInput;
use serde::{Deserialize, Serialize};

use crate::cache::Cache;
use crate::record::{CaseRecord, Tokens, case_id, case_states};
use crate::report::{self, CaseBlocks};
use crate::spec::BackendSpec;
use crate::summary::Summary;
use crate::topics::TopicFixture;

mod ask;
mod batch;
use ask::{Asked, ask, save_recording};
use batch::{CaseInput, case_input};

/// The results file of a run folder.
pub const RESULTS: &str = "results.jsonl";
/// The settings file of a run folder.
pub const SETTINGS: &str = "run.json";
/// The lock file of a run folder: held by the one process that writes the run.
pub const LOCK: &str = ".lock";

/// Why a run could not go on.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The run folder or its files could not be used.
    #[error("{path}: {source}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Another process is writing this run.
    #[error(
        "run folder {dir} is being written by another refine-eval process; wait for it to finish, then resume the run to fill any gaps"
    )]
    Busy {
        /// The run folder.
        dir: PathBuf,
    },
    /// A backend id is unknown.
    #[error(transparent)]
    Backend(#[from] refine_host::PrepError),
    /// A prompt or guide variant cannot be used.
    #[error("{0}")]
    Variant(String),
    /// The thread pool could not start.
    #[error("cannot start {jobs} worker threads: {message}")]
    Pool {
        /// How many were asked for.
        jobs: usize,
        /// Why.
        message: String,
    },
}

/// What a run was asked to do; saved as `run.json` so `--resume` repeats it exactly.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunSettings {
    /// The run's id (its folder name).
    pub run_id: String,
    /// The topics, in order.
    pub topics: Vec<TopicFixture>,
    /// Backend specs as written on the command line.
    pub backends: Vec<String>,
    /// Repeats per topic and backend.
    pub repeat: u32,
    /// The overall score a passing case needs.
    pub threshold: f64,
    /// The session length asked for, if any.
    pub minutes: Option<u32>,
    /// The guide file, if not the built-in guide.
    pub guide: Option<PathBuf>,
    /// The part of the topics this run answers for, when it is one of several.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partition: Option<crate::topics::Partition>,
    /// Plugin libraries named with `--plugin`, loaded again on `--resume`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub plugins: Vec<PathBuf>,
    /// Follow-ups asking for a corrected reply when one breaks the contract (`--repair`; never
    /// for local backends). Runs from before repair existed asked none.
    #[serde(default)]
    pub repair: u32,
    /// The grader backend spec (`--judge`), when replies are judged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub judge: Option<String>,
    /// Prompt templates besides the built-in one (named `default`): `--prompt NAME=FILE`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub prompts: Vec<Variant>,
    /// Guides besides the default one (the built-in guide, or `--guide FILE`):
    /// `--guide NAME=FILE`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub guides: Vec<Variant>,
}

/// A named prompt or guide of a run: `NAME=FILE`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Variant {
    /// Its name in case ids and reports (`[a-z0-9_-]+`, not `default`).
    pub name: String,
    /// Its file.
    pub file: PathBuf,
}

/// The name of the built-in prompt and the default guide in case ids and reports.
pub const DEFAULT_VARIANT: &str = "default";

impl std::str::FromStr for Variant {
    type Err = String;

    fn from_str(text: &str) -> Result<Variant, String> {
        let (name, file) = text
            .split_once('=')
            .ok_or_else(|| format!("`{text}` is not NAME=FILE"))?;
        let ok = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
        if !ok || name == DEFAULT_VARIANT {
            return Err(format!(
                "`{name}` cannot name a variant: use [a-z0-9_-]+, not `{DEFAULT_VARIANT}`"
            ));
        }
        Ok(Variant {
            name: name.to_string(),
            file: PathBuf::from(file),
        })
    }
}

/// A case's label on the backend axis, with its prompt and guide when they are not the
/// defaults: `offline`, `openai:model=m|prompt=terse|guide=team`. Case ids, summaries, reports
/// and the baseline group by it, so every axis is told apart.
pub fn variant_label(backend: &str, prompt: &str, guide: &str) -> String {
    let mut label = backend.to_string();
    if prompt != DEFAULT_VARIANT {
        label.push_str(&format!("|prompt={prompt}"));
    }
    if guide != DEFAULT_VARIANT {
        label.push_str(&format!("|guide={guide}"));
    }
    label
}

impl RunSettings {
    /// Reads `run.json` from a run folder.
    pub fn load(dir: &Path) -> Result<RunSettings, RunError> {
        let path = dir.join(SETTINGS);
        let text = std::fs::read_to_string(&path).map_err(|source| RunError::Io {
            path: path.clone(),
            source,
        })?;
        serde_json::from_str(&text).map_err(|e| RunError::Io {
            path,
            source: std::io::Error::new(std::io::ErrorKind::InvalidData, e),
        })
    }

    fn save(&self, dir: &Path) -> Result<(), RunError> {
        let path = dir.join(SETTINGS);
        // Streamed: with 20,000 topics the file is 7 MB, and a string of it would be the
        // run's largest allocation.
        let write = || -> std::io::Result<()> {
            let mut file = std::io::BufWriter::new(File::create(&path)?);
            serde_json::to_writer_pretty(&mut file, self)?;
            file.flush()
        };
        write().map_err(|source| RunError::Io { path, source })
    }
}

/// How a run is carried out (not part of what it measures).
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Worker threads.
    pub jobs: usize,
    /// The response cache, when on.
    pub cache: Option<Cache>,
    /// Where to save live replies as replay recordings.
    pub record: Option<PathBuf>,
    /// Rerun cases whose backend call failed.
    pub retry_errors: bool,
    /// Set to stop the run: no case starts after it is set, cases in flight finish.
    pub stop: Option<Arc<AtomicBool>>,
    /// Backends named in the config file: `--backend NAME` means its plugin with its options
    /// (options in the spec win).
    pub named: std::collections::BTreeMap<String, refine_host::config::NamedBackend>,
    /// Token prices by model, from the config file's `[prices."MODEL"]`: each live call's cost.
    pub prices: std::collections::BTreeMap<String, refine_host::config::Price>,
    /// Start no case once the run's live calls have cost this many dollars (`--max-cost`).
    pub max_cost: Option<f64>,
}

impl Default for RunOptions {
    /// One worker, no cache, no recordings, no retries of failed calls, no stop, no prices, no
    /// cost limit, no named backends.
    fn default() -> Self {
        RunOptions {
            jobs: 1,
            cache: None,
            record: None,
            retry_errors: false,
            stop: None,
            named: std::collections::BTreeMap::new(),
            prices: std::collections::BTreeMap::new(),
            max_cost: None,
        }
    }
}

/// Told about each case as it ends.
pub trait Progress: Sync {
    /// The run starts `total` cases.
    fn start(&self, total: usize);
    /// One case ended.
    fn done(&self, record: &CaseRecord);
    /// Every case ended.
    fn finish(&self);
}

/// Progress that says nothing.
#[derive(Debug, Default)]
pub struct Quiet;

impl Progress for Quiet {
    fn start(&self, _: usize) {}
    fn done(&self, _: &CaseRecord) {}
    fn finish(&self) {}
}

/// What a run did.
#[derive(Debug, Clone, PartialEq)]
pub struct RunStats {
    /// Cases run now.
    pub ran: usize,
    /// Cases already in the results and not run again.
    pub kept: usize,
    /// Cases run now whose backend call failed.
    pub errors: usize,
    /// Cases not started because the run was stopped.
    pub skipped: usize,
    /// Lines of the results that were not whole records when the run started (their cases,
    /// if no other line holds them, ran again).
    pub unreadable: Vec<usize>,
    /// What the run made of its results as it wrote them, when it wrote every line of them,
    /// each case once (a new run whose cases all have their own id): then every line is its
    /// case's latest, and the reports need not read the results back.
    pub written: Option<RunReports>,
}

/// What a new run makes of its records as it writes them. Each record is added right after
/// its line is written, under the same lock, so both are what reading the results gives, line
/// for line.
#[derive(Debug, Clone, PartialEq)]
pub struct RunReports {
    /// The summary of the results.
    pub summary: Summary,
    /// The cases' blocks of `report.html`, written to [`report::CASES_PART`].
    pub cases: CaseBlocks,
}

/// [`RunReports`] while the run goes, with the file its blocks go to.
struct Written {
    reports: RunReports,
    /// [`report::CASES_PART`].
    part: std::io::BufWriter<File>,
    /// A case's block, reused.
    block: String,
}

/// One case to run.
struct Case<'a> {
    topic: &'a TopicFixture,
    spec: &'a BackendSpec,
    repeat: u32,
    prompt: &'a (String, Option<PromptTemplate>),
    guide: &'a (String, Guide),
    label: String,
    limiter: Option<&'a crate::limits::Limiter>,
}

/// Takes the run folder's lock, or says who holds it.
fn lock(path: &Path) -> Result<File, RunError> {
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .map_err(|source| RunError::Io {
            path: path.to_path_buf(),
            source,
        })?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(RunError::Busy {
            dir: path.parent().unwrap_or(path).to_path_buf(),
        }),
        Err(std::fs::TryLockError::Error(source)) => Err(RunError::Io {
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// Cuts a trailing line that a kill left half-written, so appended lines start clean.
fn repair(path: &Path) -> std::io::Result<()> {
    let mut file = match OpenOptions::new().read(true).write(true).open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    // Read backwards from the end, a block at a time: the results of a large run are far too
    // big to read whole just to look at their last line.
    const BLOCK: u64 = 64 * 1024;
    let len = file.seek(SeekFrom::End(0))?;
    let mut end = len;
    let mut block = vec![0u8; BLOCK as usize];
    let mut keep = 0;
    while end > 0 {
        let start = end.saturating_sub(BLOCK);
        let chunk = &mut block[..(end - start) as usize];
        file.seek(SeekFrom::Start(start))?;
        file.read_exact(chunk)?;
        if end == len && chunk.last() == Some(&b'\n') {
            return Ok(());
        }
        if let Some(i) = chunk.iter().rposition(|&b| b == b'\n') {
            keep = start + i as u64 + 1;
            break;
        }
        end = start;
    }
    if len > 0 {
        file.set_len(keep)?;
    }
    file.seek(SeekFrom::End(0))?;
    Ok(())
}

thread_local! {
    /// Each worker's buffer for a batch's JSON lines, kept from batch to batch: a record is
    /// several kilobytes, and growing a fresh buffer to that size for every case cost about
    /// 4 K instructions of reallocation and copying (callgrind).
    static RECORD_LINES: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// A case run, its line written to its batch's lines and not yet to the results.
struct Finished {
    record: CaseRecord,
    /// Whether the line holds the whole record (see [`CaseRecord::write_json`]).
    whole: bool,
    /// The record's questions masked for the summary, when it is kept.
    masked: Option<refine_core::distinct::MaskedQuestions>,
}

/// Runs every case of `settings` not already in `dir/results.jsonl` (with `retry_errors`, failed
/// calls too), appending the results of each batch of cases as it ends.
pub fn run(
    dir: &Path,
    settings: &RunSettings,
    options: &RunOptions,
    registry: &Registry,
    guide: &Guide,
    progress: &dyn Progress,
) -> Result<RunStats, RunError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| RunError::Io { path, source }
    };
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    // One writer per run folder: the OS releases the lock when this process ends, however it
    // ends, so a crashed run can be resumed at once.
    let lock_path = dir.join(LOCK);
    let _lock = lock(&lock_path)?;
    settings.save(dir)?;
    let results = dir.join(RESULTS);
    repair(&results).map_err(io(&results))?;
    let (existing, unreadable) = case_states(&results).map_err(io(&results))?;

    let specs: Vec<BackendSpec> = settings
        .backends
        .iter()
        .map(|s| s.parse::<BackendSpec>())
        .collect::<Result<_, _>>()
        .map_err(|message| RunError::Io {
            path: PathBuf::from("--backend"),
            source: std::io::Error::other(message),
        })?;
    let specs: Vec<BackendSpec> = specs
        .into_iter()
        .map(|spec| match options.named.get(&spec.id) {
            Some(named) => {
                let mut merged = named.options.clone();
                merged.extend(spec.options);
                BackendSpec {
                    id: named.plugin.clone(),
                    options: merged,
                    label: spec.label,
                }
            }
            None => spec,
        })
        .collect();
    // Limits are the run's, not the backend's: taken out of the options (and the cache key).
    let mut specs = specs;
    let mut limiters: std::collections::BTreeMap<String, crate::limits::Limiter> =
        std::collections::BTreeMap::new();
    for spec in &mut specs {
        let limiter = crate::limits::Limiter::take(&mut spec.options)
            .map_err(|m| RunError::Variant(format!("--backend {}: {m}", spec.label)))?;
        if let Some(limiter) = limiter {
            limiters.insert(spec.label.clone(), limiter);
        }
    }
    for spec in &specs {
        registry.backend(&spec.id)?;
    }
    let judge = match &settings.judge {
        None => None,
        Some(text) => {
            let spec = text
                .parse::<BackendSpec>()
                .map_err(|m| RunError::Variant(format!("--judge: {m}")))?;
            let mut spec = match options.named.get(&spec.id) {
                Some(named) => {
                    let mut merged = named.options.clone();
                    merged.extend(spec.options);
                    BackendSpec {
                        id: named.plugin.clone(),
                        options: merged,
                        label: spec.label,
                    }
                }
                None => spec,
            };
            // The HTTP backends force the answer's shape with the rubric's own schema.
            let rubric = crate::judge::Rubric::builtin();
            if matches!(spec.id.as_str(), "openai" | "anthropic") {
                spec.options
                    .entry(String::from("schema"))
                    .or_insert_with(|| rubric.schema().to_string().into());
            }
            let backend = registry.backend(&spec.id)?;
            Some(Judge {
                spec,
                backend,
                rubric,
            })
        }
    };
    let variant = |v: &Variant, what: &str, e: &dyn std::fmt::Display| {
        RunError::Variant(format!("{what} `{}` ({}): {e}", v.name, v.file.display()))
    };
    let mut prompts: Vec<(String, Option<PromptTemplate>)> =
        vec![(DEFAULT_VARIANT.to_string(), None)];
    for v in &settings.prompts {
        let t = PromptTemplate::from_file(&v.file).map_err(|e| variant(v, "prompt", &e))?;
        prompts.push((v.name.clone(), Some(t)));
    }
    let mut guides: Vec<(String, Guide)> = vec![(DEFAULT_VARIANT.to_string(), guide.clone())];
    for v in &settings.guides {
        let g = Guide::from_file(&v.file).map_err(|e| variant(v, "guide", &e))?;
        guides.push((v.name.clone(), g));
    }
    let mut cases = Vec::new();
    let mut kept = 0;
    for topic in &settings.topics {
        for prompt in &prompts {
            for guide in &guides {
                for spec in &specs {
                    let label = variant_label(&spec.label, &prompt.0, &guide.0);
                    for repeat in 1..=settings.repeat {
                        let id = case_id(&topic.id, &label, repeat);
                        match existing.get(&id) {
                            Some(failed) if !failed || !options.retry_errors => kept += 1,
                            _ => cases.push(Case {
                                topic,
                                spec,
                                repeat,
                                prompt,
                                guide,
                                label: label.clone(),
                                limiter: limiters.get(&spec.label),
                            }),
                        }
                    }
                }
            }
        }
    }
    // Every case of a run has its own id unless two backends are given the same label.
    let mut labels = std::collections::HashSet::new();
    let ids_unique = prompts.iter().all(|prompt| {
        guides.iter().all(|guide| {
            specs
                .iter()
                .all(|spec| labels.insert(variant_label(&spec.label, &prompt.0, &guide.0)))
        })
    });
    drop(labels);
    drop(existing);

    let file = OpenOptions::new()
        .create(true)
        .append(true)
        .open(&results)
        .map_err(io(&results))?;
    // Nothing before this run's lines: a run started afresh.
    let each_case_once = ids_unique && file.metadata().map_err(io(&results))?.len() == 0;
    // A part left by a run that was killed is no part of this one.
    let part_path = dir.join(report::CASES_PART);
    let _ = std::fs::remove_file(&part_path);
    let written = if each_case_once {
        Some(Written {
            reports: RunReports {
                summary: Summary::default(),
                cases: CaseBlocks::default(),
            },
            part: std::io::BufWriter::new(File::create(&part_path).map_err(io(&part_path))?),
            block: String::new(),
        })
    } else {
        None
    };
    // The results file, and what this run makes of the records it writes there when they are
    // all it holds: one lock, so records join the summary and the report in their lines' order.
    let out = Mutex::new((file, written));
    let write_error: Mutex<Option<RunError>> = Mutex::new(None);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.jobs.max(1))
        // A worker reads reply after reply sharing the guide's lines and the planner's
        // phrasings: it keeps their terms from one case to the next (bounded).
        .start_handler(|_| refine_core::text::keep_terms_between_replies())
        .build()
        .map_err(|e| RunError::Pool {
            jobs: options.jobs,
            message: e.to_string(),
        })?;
    progress.start(cases.len());
    let errors = AtomicUsize::new(0);
    let skipped = AtomicUsize::new(0);
    // Dollars spent by this process's live calls, in micro-dollars.
    let spent = AtomicU64::new(0);
    let over_budget = || {
        options
            .max_cost
            .is_some_and(|max| spent.load(Ordering::SeqCst) as f64 / 1e6 >= max)
    };
    let stopped = || {
        options
            .stop
            .as_ref()
            .is_some_and(|stop| stop.load(Ordering::SeqCst))
            || over_budget()
    };
    // Runs a case and adds its record's line to the batch's lines.
    let run_case_into = |case: &Case<'_>,
                         input: Result<CaseInput<'_>, String>,
                         ahead: Option<Asked>,
                         lines: &mut Vec<u8>|
     -> Finished {
        let record = run_case(case, input, ahead, settings, options, judge.as_ref());
        if let Some(cost) = record.cost {
            spent.fetch_add((cost * 1e6).round() as u64, Ordering::SeqCst);
        }
        if record.error.is_some() {
            errors.fetch_add(1, Ordering::Relaxed);
        }
        let whole = record.write_json(lines);
        lines.push(b'\n');
        // Masked outside the lock: the costly part of adding to the summary.
        let masked = (whole && each_case_once)
            .then(|| Summary::masked_questions(&record))
            .flatten();
        Finished {
            record,
            whole,
            masked,
        }
    };
    // Appends a batch's lines to the results in one write, and its records to the summary and
    // the report in the same order.
    let write_batch = |lines: &[u8], mut finished: Vec<Finished>| {
        if finished.is_empty() {
            return;
        }
        let written = (|| {
            let mut guard = out.lock().unwrap_or_else(|p| p.into_inner());
            let (file, written) = &mut *guard;
            file.write_all(lines)
                .and_then(|()| file.flush())
                .map_err(io(&results))?;
            if let Some(written) = written {
                for done in finished.iter_mut().filter(|done| done.whole) {
                    written
                        .reports
                        .summary
                        .add_masked(&done.record, done.masked.take());
                    written.block.clear();
                    written.reports.cases.add(&mut written.block, &done.record);
                    written
                        .part
                        .write_all(written.block.as_bytes())
                        .map_err(io(&part_path))?;
                }
            }
            Ok(())
        })();
        if let Err(error) = written {
            write_error
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .get_or_insert(error);
        }
        for done in &finished {
            progress.done(&done.record);
        }
    };
    let local: Vec<bool> = cases
        .iter()
        .map(|case| {
            registry
                .backend(&case.spec.id)
                .is_ok_and(|backend| backend.is_local())
        })
        .collect();
    let batches = batch::batches(&local, options.jobs.max(1));
    drop(local);
    pool.install(|| {
        batches.par_iter().for_each(|range| {
            let batch = &cases[range.clone()];
            // The planner's terms are the linter's: shared across the batch's two phases.
            refine_core::text::sharing_terms(|| {
                let inputs: Vec<Result<CaseInput<'_>, String>> = batch
                    .iter()
                    .map(|case| case_input(case, settings, registry))
                    .collect();
                // A batch of several cases is of local backends: all are asked first.
                let mut ahead: Vec<Option<Asked>> = batch.iter().map(|_| None).collect();
                if batch.len() > 1 {
                    for ((case, input), ahead) in batch.iter().zip(&inputs).zip(&mut ahead) {
                        if stopped() {
                            break;
                        }
                        if let Ok(input) = input {
                            *ahead = Some(ask(
                                input.backend,
                                case,
                                &input.request,
                                &case.guide.1,
                                &input.prompt,
                                options,
                            ));
                        }
                    }
                }
                // The batch's records are written together when it ends: one system call
                // for up to [`batch::MOST_IN_BATCH`] offline cases, where a write a case was
                // 8% of an offline run's CPU. A case of a remote backend is a batch alone, its
                // record written the moment it ends.
                RECORD_LINES.with_borrow_mut(|lines| {
                    lines.clear();
                    let mut finished = Vec::with_capacity(batch.len());
                    for ((case, input), ahead) in batch.iter().zip(inputs).zip(ahead) {
                        if stopped() {
                            skipped.fetch_add(1, Ordering::Relaxed);
                            continue;
                        }
                        finished.push(run_case_into(case, input, ahead, lines));
                    }
                    write_batch(lines, finished);
                });
            });
        });
    });
    progress.finish();
    if let Some(error) = write_error.into_inner().unwrap_or_else(|p| p.into_inner()) {
        return Err(error);
    }
    let (_, written) = out.into_inner().unwrap_or_else(|p| p.into_inner());
    let written = match written {
        Some(mut written) => {
            written.part.flush().map_err(io(&part_path))?;
            Some(written.reports)
        }
        None => None,
    };
    let skipped = skipped.into_inner();
    Ok(RunStats {
        ran: cases.len() - skipped,
        kept,
        errors: errors.into_inner(),
        skipped,
        unreadable,
        written,
    })
}

/// The grader of a run.
struct Judge<'a> {
    spec: BackendSpec,
    backend: &'a dyn refine_plugin::Backend,
    rubric: crate::judge::Rubric,
}

impl Judge<'_> {
    /// The verdict on `reply` to `topic_id`, through the cache when it is on; a live answer is
    /// saved as a replay recording under `judge/` of the recordings folder, so the same verdicts
    /// come back with `--judge replay:dir=DIR/judge`.
    fn grade(
        &self,
        topic_id: &str,
        guide: &Guide,
        request: &SessionRequest,
        reply: &str,
        options: &RunOptions,
    ) -> Result<crate::judge::Verdict, String> {
        let prompt = self.rubric.prompt(guide, request, reply);
        let cache = options.cache.as_ref().filter(|_| !self.backend.is_local());
        let key = Cache::key(&self.spec.id, &self.spec.options, &prompt);
        let answer = match cache.and_then(|c| c.get(&key)) {
            Some(hit) => hit,
            None => {
                let answer = self
                    .backend
                    .generate(&BackendInput {
                        prompt: &prompt,
                        request,
                        guide,
                        options: &self.spec.options,
                        on_text: None,
                    })
                    .map_err(|e| format!("judge `{}`: {e}", self.spec.label))?;
                if let Some(cache) = cache {
                    let _ = cache.put(&key, &answer);
                }
                if let Some(dir) = options.record.as_ref().filter(|_| !self.backend.is_local()) {
                    let meta = RecordingMeta {
                        topic: request.topic().to_string(),
                        backend: Some(format!("judge {}", self.spec.label)),
                        model: answer.meta.model.clone(),
                    };
                    save_recording(
                        &dir.join("judge"),
                        topic_id,
                        &self.spec.id,
                        &meta,
                        &answer.text,
                    );
                }
                answer
            }
        };
        let scores = self
            .rubric
            .read(&answer.text)
            .map_err(|e| format!("judge `{}`: {e}", self.spec.label))?;
        Ok(crate::judge::Verdict::new(
            &self.spec.label,
            answer.meta.model,
            &self.rubric,
            scores,
        ))
    }
}

/// Runs one case from its input, given its first reply when its batch asked for it ahead.
fn run_case(
    case: &Case<'_>,
    input: Result<CaseInput<'_>, String>,
    mut ahead: Option<Asked>,
    settings: &RunSettings,
    options: &RunOptions,
    judge: Option<&Judge<'_>>,
) -> CaseRecord {
    let guide = &case.guide.1;
    let mut record = CaseRecord {
        run_id: settings.run_id.clone(),
        case_id: case_id(&case.topic.id, &case.label, case.repeat),
        topic_id: case.topic.id.clone(),
        backend: case.label.clone(),
        prompt: case.prompt.0.clone(),
        guide: case.guide.0.clone(),
        repeat: case.repeat,
        reply: None,
        plan: None,
        findings: Vec::new(),
        scores: None,
        pass: false,
        latency_ms: None,
        first_token_ms: None,
        tokens: None,
        cached: false,
        error: None,
        attempts: Vec::new(),
        judge: None,
        judge_error: None,
        cost: None,
    };
    let CaseInput {
        request,
        backend,
        prompt: text,
    } = match input {
        Ok(input) => input,
        Err(e) => {
            record.error = Some(e);
            return record;
        }
    };
    // Every call of the case: cached only if all were, latency summed.
    let (mut all_cached, mut latency, mut cost) = (true, 0u64, None::<f64>);
    let repair = if backend.is_local() {
        0
    } else {
        settings.repair
    };
    let repaired = refine_host::repair::with_repair(&text, repair, guide, &request, |prompt| {
        let mut tries = 0;
        let (reply, cached, took) = loop {
            let _permit = case.limiter.map(crate::limits::Limiter::acquire);
            // The first prompt is the one asked ahead.
            let asked = ahead
                .take()
                .unwrap_or_else(|| ask(backend, case, &request, guide, prompt, options));
            match asked {
                Err(e)
                    if crate::limits::is_rate_limit(&e)
                        && tries < crate::limits::RATE_LIMIT_RETRIES =>
                {
                    // The provider still says 429 after its own retries: slow this backend
                    // down and try again, rather than fail the case.
                    tries += 1;
                    let wait = case.limiter.map_or(Duration::from_secs(5), |l| {
                        l.slow_down();
                        l.interval()
                    });
                    std::thread::sleep(wait * tries);
                }
                other => break other.map_err(|e| format!("backend `{}`: {e}", case.spec.label))?,
            }
        };
        all_cached &= cached;
        latency = latency.saturating_add(took);
        // Only live calls cost; a model without a price leaves the case's cost unknown.
        let model = reply.meta.model.clone().or_else(|| {
            case.spec
                .options
                .get("model")
                .and_then(|m| m.as_str())
                .map(str::to_string)
        });
        if let Some(price) = model.and_then(|m| options.prices.get(&m)) {
            let this = if cached {
                0.0
            } else {
                price.cost(
                    reply.meta.input_tokens.unwrap_or(0),
                    reply.meta.output_tokens.unwrap_or(0),
                )
            };
            cost = Some(cost.unwrap_or(0.0) + this);
        }
        if reply.text.len() > refine_core::request::REPLY_MAX_BYTES {
            return Err(format!(
                "backend `{}` answered with {} bytes, over the limit of {} bytes (1 MiB) for a reply",
                case.spec.label,
                reply.text.len(),
                refine_core::request::REPLY_MAX_BYTES
            ));
        }
        Ok(reply)
    });
    let (reply, report) = match repaired {
        Ok(r) => {
            record.attempts = r.attempts;
            (r.reply, r.report)
        }
        Err(e) => {
            record.error = Some(e);
            return record;
        }
    };
    record.cached = all_cached;
    record.latency_ms = Some(latency);
    record.cost = cost;
    record.pass = !report
        .findings
        .iter()
        .any(|f| f.severity == Severity::Error)
        && report.scores.overall >= settings.threshold;
    if !record.cached {
        record.first_token_ms = reply.meta.first_token_ms;
    }
    if reply.meta.input_tokens.is_some() || reply.meta.output_tokens.is_some() {
        record.tokens = Some(Tokens {
            input: reply.meta.input_tokens,
            output: reply.meta.output_tokens,
        });
    }
    if let Some(judge) = judge {
        match judge.grade(&case.topic.id, guide, &request, &reply.text, options) {
            Ok(verdict) => record.judge = Some(verdict),
            Err(e) => record.judge_error = Some(e),
        }
    }
    record.reply = Some(reply.text);
    record.plan = Some(report.plan);
    record.findings = report.findings;
    record.scores = Some(report.scores);
    record
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repair_cuts_a_half_line_even_when_it_spans_blocks() {
        let path = std::env::temp_dir().join(format!("refine-eval-repair-{}", std::process::id()));
        let whole = "x".repeat(10) + "\n";
        // A last line longer than a block, so the newline before it lies blocks back.
        let half = "y".repeat(150 * 1024);
        std::fs::write(&path, format!("{whole}{whole}{half}")).expect("write");
        repair(&path).expect("repair");
        assert_eq!(
            std::fs::read_to_string(&path).expect("read"),
            whole.repeat(2)
        );
        repair(&path).expect("a whole file is left alone");
        assert_eq!(
            std::fs::read_to_string(&path).expect("read"),
            whole.repeat(2)
        );
        std::fs::write(&path, "no newline at all").expect("write");
        repair(&path).expect("repair");
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "");
        let _ = std::fs::remove_file(path);
    }
}
