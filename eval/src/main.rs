//! `refine-eval`: run, report on and merge evaluation runs. `cargo xtask eval` drives `run`.
//! Exit status: 0 success, 1 a regression against the baseline, 2 usage or input error.

/// jemalloc: an eval case makes hundreds of small allocations, and with glibc's allocator
/// `malloc` and `free` took 18% of its instructions. With jemalloc a case takes 10% fewer
/// instructions and 20,000 cases about 10% less CPU (measured with `cargo xtask bench`).
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// jemalloc's options, read when it starts (`_RJEM_MALLOC_CONF` in the environment comes
/// after). Freed pages go back to the system at once: with jemalloc's default ten-second
/// delay a 20,000-case run peaked at 45 MiB instead of 37 MiB, for no measurable CPU gain.
/// `tests/allocator.rs` reads the options back from the running binary.
#[cfg(not(target_env = "msvc"))]
#[allow(unsafe_code)]
// SAFETY: jemalloc reads this symbol (its prefixed `malloc_conf`) as a `const char *` to a
// NUL-terminated string; `Option<&c_char>` has that layout and the string is static.
#[unsafe(export_name = "_rjem_malloc_conf")]
static ALLOCATOR_OPTIONS: Option<&'static std::ffi::c_char> =
    Some(unsafe { &*c"dirty_decay_ms:0,muzzy_decay_ms:0".as_ptr() });

use std::io::{IsTerminal, Write as _};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{Args, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use refine_core::Guide;
use refine_eval::baseline::Baseline;
use refine_eval::cache::Cache;
use refine_eval::progress::ProgressLines;
use refine_eval::record::{CaseRecord, read_records};
use refine_eval::report;
use refine_eval::run::{self, Progress, RESULTS, RunOptions, RunSettings};
use refine_eval::spec::BackendSpec;
use refine_eval::topics::{self, Partition};
use refine_host::config::Config;
use refine_host::isolate::HostCommand;
use refine_host::plugin_set::{Isolation, PluginSelection, registry_with_plugins};

/// Evaluate backends over fixture topics: parallel runs, scores, reports, baselines.
#[derive(Debug, Parser)]
#[command(name = "refine-eval", version, max_term_width = 100)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run topics × backends × repeats and write results.jsonl, report.md, report.html and
    /// junit.xml into OUT/RUN_ID.
    Run(Box<RunArgs>),
    /// Rebuild the reports of a run folder from its results.jsonl.
    Report {
        /// The run folder.
        dir: PathBuf,
    },
    /// Compare run B with run A case by case (or two backend labels, i.e. variants, of one run):
    /// wins, losses and ties, the mean score delta with a 95% bootstrap interval, an exact
    /// McNemar test on pass/fail, the cases that flipped. Formulas in eval/README.md.
    Compare {
        /// Run A's folder (the reference).
        a: PathBuf,
        /// Run B's folder (the candidate; may be A's folder, with --label-a and --label-b).
        b: PathBuf,
        /// Only A's cases of this backend label (`offline`, `openai:model=m|prompt=terse`).
        #[arg(long, value_name = "LABEL")]
        label_a: Option<String>,
        /// Only B's cases of this backend label.
        #[arg(long, value_name = "LABEL")]
        label_b: Option<String>,
        /// Write the comparison, with the flipped cases' replies side by side, as HTML.
        #[arg(long, value_name = "FILE")]
        html: Option<PathBuf>,
        /// Exit 1 when B is significantly worse than A.
        #[arg(long)]
        fail_if_worse: bool,
    },
    /// Join the results of several run folders (e.g. CI partitions) into one, with reports.
    Merge {
        /// Run folders to join.
        #[arg(required = true)]
        dirs: Vec<PathBuf>,
        /// The folder to write.
        #[arg(long, value_name = "DIR")]
        into: PathBuf,
    },
}

#[derive(Debug, Args)]
struct RunArgs {
    /// A backend and its options, `ID[:key=val,...]`; repeat for several [default: offline].
    #[arg(long = "backend", value_name = "SPEC")]
    backends: Vec<String>,
    /// A topic file or a folder of them.
    #[arg(long, value_name = "DIR|FILE", default_value = "fixtures/topics")]
    topics: PathBuf,
    /// Worker threads [default: the number of CPUs].
    #[arg(short = 'j', long, value_name = "N")]
    jobs: Option<usize>,
    /// Repeats per topic and backend, for pass rates and flakiness.
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=100))]
    repeat: u32,
    /// Run part K of N of the topics (by id), for CI jobs that share one run.
    #[arg(long, value_name = "K/N")]
    partition: Option<Partition>,
    /// Leave out the topics' context notes: how backends do from titles alone.
    #[arg(long)]
    titles_only: bool,
    /// The overall score a case needs to pass.
    #[arg(long, value_name = "X", default_value_t = 0.8)]
    threshold: f64,
    /// When a reply breaks the contract (error findings), ask the backend again for a corrected
    /// one at most N times (never a local backend); each reply's errors are in the results.
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u32).range(0..=5))]
    repair: u32,
    /// Compare with this baseline; exit 1 on a regression.
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// How far a mean overall score may drop before it counts as a regression.
    #[arg(long, value_name = "X", default_value_t = 0.05)]
    tolerance: f64,
    /// Write this run as the committed baseline, eval/baseline.json.
    #[arg(long)]
    bless: bool,
    /// Continue the run with this id: only missing cases run, with the settings it was started
    /// with (so the options that define a run cannot be given again).
    #[arg(long, value_name = "RUN", conflicts_with_all = [
        "backends", "topics", "repeat", "partition", "titles_only", "threshold", "run_id",
        "minutes", "guide", "repair", "prompts", "judge",
    ])]
    resume: Option<String>,
    /// Start no new case once the run's live calls have cost this many US dollars (token
    /// prices from the config file's `[prices."MODEL"]`); finished cases are kept, and --resume
    /// continues.
    #[arg(long, value_name = "DOLLARS")]
    max_cost: Option<f64>,
    /// With --resume, also rerun cases whose backend call failed.
    #[arg(long)]
    retry_errors: bool,
    /// Call backends even when the response cache has the answer.
    #[arg(long)]
    no_cache: bool,
    /// Save live replies as replay recordings in DIR.
    #[arg(long, value_name = "DIR")]
    record: Option<PathBuf>,
    /// The folder that holds run folders and the cache.
    #[arg(long, value_name = "DIR", default_value = "target/eval")]
    out: PathBuf,
    /// The new run's id [default: the UTC time, YYYYMMDD-HHMMSS].
    #[arg(long, value_name = "ID")]
    run_id: Option<String>,
    /// Session length for every case.
    #[arg(long, value_name = "N")]
    minutes: Option<u32>,
    /// A team guide instead of the built-in one (`FILE`, the `default` guide), or a guide to
    /// compare (`NAME=FILE`, repeatable): cases run on every guide.
    #[arg(long, value_name = "[NAME=]FILE")]
    guide: Vec<String>,
    /// Grade every reply with this backend (`ID[:key=val,...]`, as --backend) against the
    /// rubric (eval/assets/rubric.toml): one score 1-5 and a reason per criterion, kept apart
    /// from the linter's scores.
    #[arg(long, value_name = "SPEC")]
    judge: Option<String>,
    /// A prompt template to compare with the built-in prompt (`NAME=FILE`, repeatable; MiniJinja,
    /// as `refine prompt --template`): cases run on every prompt.
    #[arg(long = "prompt", value_name = "NAME=FILE")]
    prompts: Vec<String>,
    /// Plain progress lines even on a terminal; no bar.
    #[arg(long)]
    plain: bool,
    /// Load a plugin library (repeatable), as `refine --plugin` does, besides those found on
    /// REFINE_PLUGIN_PATH, $XDG_DATA_HOME/refine/plugins and plugins/ beside the executable.
    /// Kept in run.json, so --resume loads them again.
    #[arg(long = "plugin", value_name = "FILE")]
    plugins: Vec<PathBuf>,
    /// Let loaded plugins replace built-in plugins of the same id.
    #[arg(long)]
    plugin_overrides: bool,
    /// Where plugins run: `process` (a crash or hang fails its case, not the run) or `none`.
    #[arg(long, value_name = "MODE", default_value = "process", value_parser = ["process", "none"])]
    plugin_isolation: String,
    /// Every plugin call's deadline in seconds [default: the plugin's `timeout` in its
    /// [plugins.<id>] table, else 300 for backends, 30 for formats].
    #[arg(long, value_name = "SECONDS")]
    plugin_timeout: Option<f64>,
    /// The config file, for named backends and [plugins.<id>] tables [default:
    /// $XDG_CONFIG_HOME/refine/config.toml when it exists].
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
}

/// The committed baseline's path.
const BASELINE: &str = "eval/baseline.json";

fn main() -> ExitCode {
    // Re-executed as a plugin host process, this serves one plugin library and never returns.
    refine_host::isolate::serve_if_asked();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run(args) => run_command(*args),
        Command::Report { dir } => report_command(&dir).map(|()| ExitCode::SUCCESS),
        Command::Merge { dirs, into } => merge_command(&dirs, &into).map(|()| ExitCode::SUCCESS),
        Command::Compare {
            a,
            b,
            label_a,
            label_b,
            html,
            fail_if_worse,
        } => compare_command(
            &a,
            &b,
            label_a.as_deref(),
            label_b.as_deref(),
            html.as_deref(),
        )
        .map(|worse| {
            if worse && fail_if_worse {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            let _ = writeln!(std::io::stderr(), "error: {error:#}");
            ExitCode::from(2)
        }
    }
}

/// A flag that the first Ctrl-C sets (cases in flight finish, no new case starts, the reports
/// are written); a second Ctrl-C exits at once, keeping every line already written.
fn stop_on_ctrl_c() -> Result<std::sync::Arc<std::sync::atomic::AtomicBool>> {
    use std::sync::atomic::{AtomicBool, Ordering};
    let stop = std::sync::Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    ctrlc::set_handler(move || {
        if flag.swap(true, Ordering::SeqCst) {
            std::process::exit(130);
        }
        let _ = writeln!(
            std::io::stderr(),
            "stopping: the cases in flight finish, then the reports are written (Ctrl-C again to quit now)"
        );
    })
    .context("installing the Ctrl-C handler")?;
    Ok(stop)
}

/// A run id is a folder name inside `--out`, never a path.
fn check_run_id(id: &str) -> Result<()> {
    let ok = !id.is_empty()
        && id.len() <= 64
        && !id.starts_with('.')
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if !ok {
        bail!(
            "run id `{id}` must be a name of at most 64 letters, digits, '.', '_' or '-', not starting with '.'"
        );
    }
    Ok(())
}

/// Makes a new run's folder, which no other run can then take: with `--run-id` that folder, or
/// a refusal if it exists; by default the UTC time, with `-2`, `-3`, ... when runs start in the
/// same second.
fn claim_run_folder(out: &Path, asked: Option<&str>) -> Result<(String, PathBuf)> {
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    let base = asked.map_or_else(
        || chrono::Utc::now().format("%Y%m%d-%H%M%S").to_string(),
        str::to_string,
    );
    for n in 1..=1000 {
        let id = if n == 1 {
            base.clone()
        } else {
            format!("{base}-{n}")
        };
        let dir = out.join(&id);
        match std::fs::create_dir(&dir) {
            Ok(()) => return Ok((id, dir)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && asked.is_none() => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => bail!(
                "run `{id}` already exists in {}: add to it with --resume {id}, or choose another --run-id",
                out.display()
            ),
            Err(e) => return Err(e).with_context(|| format!("creating {}", dir.display())),
        }
    }
    bail!("no free run id from `{base}` in {}", out.display())
}

/// Standard output that goes quiet once its reader has gone (`refine-eval run | head -1`): a
/// closed pipe is not an error and never changes the exit status; any other write error (a full
/// disk) is.
#[derive(Default)]
struct Stdout {
    closed: bool,
}

impl Stdout {
    fn print(&mut self, text: &str) -> Result<()> {
        if self.closed {
            return Ok(());
        }
        let mut out = std::io::stdout().lock();
        match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(())
            }
            Err(e) => Err(e).context("writing to standard output"),
        }
    }
}

/// A progress bar on a terminal, plain lines otherwise.
enum Reporter {
    Bar(ProgressBar),
    Lines(ProgressLines<std::io::Stderr>),
}

impl Progress for Reporter {
    fn start(&self, total: usize) {
        match self {
            Reporter::Bar(bar) => bar.set_length(total as u64),
            Reporter::Lines(lines) => lines.start(total),
        }
    }

    fn done(&self, record: &CaseRecord) {
        match self {
            Reporter::Bar(bar) => {
                bar.inc(1);
                bar.set_message(record.case_id.clone());
            }
            Reporter::Lines(lines) => lines.done(record),
        }
    }

    fn finish(&self) {
        match self {
            Reporter::Bar(bar) => bar.finish_and_clear(),
            Reporter::Lines(lines) => lines.finish(),
        }
    }
}

fn reporter(plain: bool) -> Reporter {
    if !plain && std::io::stderr().is_terminal() {
        let bar = ProgressBar::new(0);
        if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} eta {eta} {msg}") {
            bar.set_style(style);
        }
        Reporter::Bar(bar)
    } else {
        Reporter::Lines(ProgressLines::new(std::io::stderr()))
    }
}

fn run_command(args: RunArgs) -> Result<ExitCode> {
    if !(0.0..=1.0).contains(&args.threshold) {
        bail!("--threshold {} must lie in [0, 1]", args.threshold);
    }
    if args.retry_errors && args.resume.is_none() {
        bail!("--retry-errors goes with --resume RUN");
    }
    // Every option is checked before any folder is made or case is run.
    if let Some(m) = args.minutes
        && (m == 0 || m > refine_core::request::SESSION_MAX_MINUTES)
    {
        bail!(
            "--minutes {m} must lie in 1-{}",
            refine_core::request::SESSION_MAX_MINUTES
        );
    }
    for id in args.run_id.iter().chain(&args.resume) {
        check_run_id(id)?;
    }
    // `--guide FILE` is the default guide; `--guide NAME=FILE` a guide to compare.
    let mut default_guide: Option<PathBuf> = None;
    let mut guide_variants = Vec::new();
    for value in &args.guide {
        match value.split_once('=') {
            Some(_) => {
                guide_variants.push(value.parse::<run::Variant>().map_err(anyhow::Error::msg)?)
            }
            None if default_guide.is_none() => default_guide = Some(PathBuf::from(value)),
            None => bail!(
                "--guide FILE names the default guide once; compare guides with --guide NAME=FILE"
            ),
        }
    }
    let prompt_variants = args
        .prompts
        .iter()
        .map(|v| v.parse::<run::Variant>().map_err(anyhow::Error::msg))
        .collect::<Result<Vec<_>>>()?;
    let mut names = std::collections::BTreeSet::new();
    for v in guide_variants.iter().chain(&prompt_variants) {
        if !names.insert((v.name.clone(), guide_variants.contains(v))) {
            bail!("the variant name `{}` is given twice", v.name);
        }
    }
    if let Some(path) = &default_guide {
        Guide::from_file(path)?;
    }
    for v in &guide_variants {
        Guide::from_file(&v.file).with_context(|| format!("--guide {}", v.name))?;
    }
    for v in &prompt_variants {
        refine_core::template::PromptTemplate::from_file(&v.file)
            .with_context(|| format!("--prompt {}", v.name))?;
    }
    let timeout = match args.plugin_timeout {
        Some(s) if !(s > 0.0 && s <= 86_400.0) => {
            bail!("--plugin-timeout {s} must be a number of seconds in (0, 86400]")
        }
        other => other.map(std::time::Duration::from_secs_f64),
    };
    let config = Config::load(args.config.as_deref())?;
    let (dir, mut settings) = match &args.resume {
        Some(run_id) => {
            let dir = args.out.join(run_id);
            let settings =
                RunSettings::load(&dir).with_context(|| format!("cannot resume run `{run_id}`"))?;
            (dir, settings)
        }
        None => {
            let backends = if args.backends.is_empty() {
                vec![String::from("offline")]
            } else {
                args.backends.clone()
            };
            for spec in &backends {
                spec.parse::<BackendSpec>().map_err(anyhow::Error::msg)?;
            }
            let mut topics = topics::load(&args.topics)?;
            if let Some(partition) = args.partition {
                topics = partition.select(topics);
            }
            if args.titles_only {
                for topic in &mut topics {
                    topic.context = None;
                }
            }
            if topics.is_empty() {
                bail!("no topics in {}", args.topics.display());
            }
            let (run_id, dir) = claim_run_folder(&args.out, args.run_id.as_deref())?;
            let settings = RunSettings {
                run_id,
                topics,
                backends,
                repeat: args.repeat,
                threshold: args.threshold,
                repair: args.repair,
                minutes: args.minutes,
                guide: default_guide.clone(),
                judge: args.judge.clone(),
                prompts: prompt_variants.clone(),
                guides: guide_variants.clone(),
                partition: args.partition,
                // Absolute, so a resume from another folder finds them.
                plugins: args
                    .plugins
                    .iter()
                    .map(|p| std::fs::canonicalize(p).unwrap_or_else(|_| p.clone()))
                    .collect(),
            };
            (dir, settings)
        }
    };
    let guide = match &settings.guide {
        Some(path) => Guide::from_file(path)?,
        None => Guide::builtin(),
    };
    let jobs = args
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()));
    let options = RunOptions {
        jobs,
        cache: (!args.no_cache).then(|| Cache::new(&args.out.join("cache"))),
        record: args.record.clone(),
        retry_errors: args.retry_errors,
        stop: Some(stop_on_ctrl_c()?),
        named: config.backends.clone(),
        prices: config.prices.clone(),
        max_cost: args.max_cost,
    };
    let mut plugin_files = settings.plugins.clone();
    plugin_files.extend(
        args.plugins
            .iter()
            .filter(|p| !settings.plugins.contains(p))
            .cloned(),
    );
    let plugin_files = plugin_files
        .iter()
        .map(|f| refine_host::plugin_set::named_file(f))
        .collect();
    let selection = PluginSelection {
        files: plugin_files,
        over_builtins: args.plugin_overrides,
        isolation: match args.plugin_isolation.as_str() {
            "none" => Isolation::None,
            _ => Isolation::Process(
                HostCommand::this_executable()
                    .context("cannot find this executable to host plugins")?,
            ),
        },
        timeout,
    };
    let (registry, warnings) = registry_with_plugins(&selection, &config)?;
    for warning in warnings {
        let _ = writeln!(std::io::stderr(), "warning: {warning}");
    }
    let progress = reporter(args.plain);
    let stats = run::run(&dir, &settings, &options, &registry, &guide, &progress)?;
    // Past the run only a partition's topic ids are still needed: the topics' text (10 MB at
    // 20,000 topics) goes before the reports are written, which reuse that memory.
    let partition_ids: Option<std::collections::BTreeSet<String>> = settings
        .partition
        .as_ref()
        .map(|_| settings.topics.iter().map(|t| t.id.clone()).collect());
    settings.topics = Vec::new();
    if let Some(note) = report::unreadable_note(&stats.unreadable) {
        let _ = writeln!(
            std::io::stderr(),
            "warning: {note}; their cases ran again unless another line holds them"
        );
    }
    let summary = match stats.written {
        Some(written) => report::write_all_of(&dir, written.summary, Some(written.cases)),
        None => report::write_all(&dir),
    }
    .with_context(|| format!("writing reports in {}", dir.display()))?;
    let mut out = Stdout::default();
    out.print(&report::terminal(&summary))?;
    if stats.skipped > 0 {
        let _ = writeln!(
            std::io::stderr(),
            "interrupted: {} cases ran, {} kept from before, {} not started; reports of what finished are in {}\ncontinue with: refine-eval run --out {} --resume {}",
            stats.ran,
            stats.kept,
            stats.skipped,
            dir.display(),
            args.out.display(),
            settings.run_id
        );
        return Ok(ExitCode::from(130));
    }
    out.print(&format!(
        "run {}: {} cases run, {} kept from before, {} errors; reports in {}\n",
        settings.run_id,
        stats.ran,
        stats.kept,
        stats.errors,
        dir.display()
    ))?;
    let now = Baseline::from_summary(&summary);
    if args.bless {
        now.save(Path::new(BASELINE))
            .with_context(|| format!("writing {BASELINE}"))?;
        out.print(&format!("wrote the baseline {BASELINE}\n"))?;
    }
    if let Some(path) = &args.baseline {
        let mut before = Baseline::load(path).map_err(anyhow::Error::msg)?;
        if let Some(partition) = &settings.partition {
            // A partition answers for its own topics only, and says what it left to the others.
            let ids = partition_ids
                .as_ref()
                .expect("read for the partition above");
            let (part, skipped) = before.restricted(|topic| ids.contains(topic));
            before = part;
            out.print(&format!(
                "partition {}/{}: {skipped} baseline cases belong to other partitions\n",
                partition.k, partition.n
            ))?;
        }
        let regressions = before.regressions(&now, args.tolerance);
        for r in &regressions {
            out.print(&format!("regression: {} {}\n", r.case, r.message))?;
        }
        if !regressions.is_empty() {
            out.print(&format!(
                "{} regressions against {}\n",
                regressions.len(),
                path.display()
            ))?;
            // Whether or not anyone still reads stdout, a regression fails.
            return Ok(ExitCode::from(1));
        }
        out.print(&format!("no regressions against {}\n", path.display()))?;
    }
    Ok(ExitCode::SUCCESS)
}

fn report_command(dir: &Path) -> Result<()> {
    if !dir.join(RESULTS).exists() {
        bail!("{} has no {RESULTS}", dir.display());
    }
    let summary = report::write_all(dir)?;
    Stdout::default().print(&report::terminal(&summary))
}

/// Prints the comparison of B with A (and writes its HTML); says whether B is significantly
/// worse.
fn compare_command(
    a: &Path,
    b: &Path,
    label_a: Option<&str>,
    label_b: Option<&str>,
    html: Option<&Path>,
) -> Result<bool> {
    for dir in [a, b] {
        if !dir.join(RESULTS).exists() {
            bail!("{} has no {RESULTS}", dir.display());
        }
    }
    let side = |dir, label| refine_eval::compare::Side { dir, label };
    let comparison = refine_eval::compare::compare(&side(a, label_a), &side(b, label_b))?;
    if comparison.pairs == 0 {
        bail!(
            "no case of {} pairs with one of {} (same topic and repeat{}); check the runs and labels",
            b.display(),
            a.display(),
            if label_a.is_none() && label_b.is_none() {
                " and backend label"
            } else {
                ""
            }
        );
    }
    let name = |dir: &Path, label: Option<&str>| match label {
        Some(l) => format!("{} [{l}]", dir.display()),
        None => dir.display().to_string(),
    };
    let (na, nb) = (name(a, label_a), name(b, label_b));
    Stdout::default().print(&refine_eval::compare::text(&comparison, &na, &nb))?;
    if let Some(path) = html {
        let page = refine_eval::compare::html(&comparison, &na, &nb)?;
        std::fs::write(path, page).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(comparison.worse)
}

fn merge_command(dirs: &[PathBuf], into: &Path) -> Result<()> {
    std::fs::create_dir_all(into).with_context(|| format!("creating {}", into.display()))?;
    let target = into.join(RESULTS);
    if target.exists() {
        bail!(
            "{} already exists; merge into a new folder",
            target.display()
        );
    }
    let mut out = std::io::BufWriter::new(std::fs::File::create(&target)?);
    for dir in dirs {
        let results = dir.join(RESULTS);
        if !results.exists() {
            bail!("{} has no {RESULTS}", dir.display());
        }
        let mut failure = None;
        read_records(
            &results,
            |record| {
                let line = serde_json::to_string(&record).unwrap_or_default();
                if let Err(e) = std::io::Write::write_all(&mut out, format!("{line}\n").as_bytes())
                {
                    failure.get_or_insert(e);
                }
            },
            |_| {},
        )?;
        if let Some(e) = failure {
            return Err(e.into());
        }
    }
    std::io::Write::flush(&mut out)?;
    drop(out);
    let summary = report::write_all(into)?;
    Stdout::default().print(&report::terminal(&summary))
}
