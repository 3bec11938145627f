//! `cargo xtask bench`: the criterion benchmarks, then the whole-process figures the performance
//! targets are stated in (offline eval CPU per case and peak memory at 200, 2,000 and 20,000
//! cases; `refine prep` wall time), the JavaScript peer beside them when it is installed, and a
//! table of every target with today's figure. Timings live here, never in tests.
//!
//! Flags: `--no-criterion` (reuse the last criterion figures), `--sizes 200,2000` (eval sizes),
//! `--runs N` (evals of each size, 5 by default: a shared machine's CPU time swings by 10-25%
//! from one run to the next, and the median of five holds within a few percent; each run
//! starts after its topic files were read once, see [`warm_page_cache`]), `--peer`
//! (install the peer from the npm registry when absent, and measure it), `--instructions`
//! (count the instructions of an eval case with valgrind's callgrind: the same figure on a
//! busy machine as on an idle one, where the CPU time swings); anything after `--` goes to
//! `cargo bench`.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::{cargo, root};

mod peer;

/// The eval sizes of the targets.
const SIZES: [usize; 3] = [200, 2_000, 20_000];

/// How many times each eval size runs by default; its figures are the runs' medians.
const RUNS: usize = 5;

/// The eval sizes whose instruction counts give a case's: the count of the larger less the
/// smaller's, per case between them. Start-up, topic loading's fixed part, reports' fixed part
/// and the notes' pattern set (built after 2,048 sentences, which 800 topics pass) cancel out.
const INSTRUCTION_SIZES: (usize, usize) = (800, 2_000);

/// What the targets ask (issue 18).
const CPU_PER_CASE_US: f64 = 100.0;
const PEAK_AT_20K_MIB: f64 = 40.0;
const PARSE_LINT_US: f64 = 20.0;
const PREP_MS: f64 = 3.0;

struct Flags {
    criterion: bool,
    peer: bool,
    instructions: bool,
    sizes: Vec<usize>,
    runs: usize,
    extra: Vec<String>,
}

fn flags(args: &[String]) -> Result<Flags, String> {
    let mut flags = Flags {
        criterion: true,
        peer: false,
        instructions: false,
        sizes: SIZES.to_vec(),
        runs: RUNS,
        extra: Vec::new(),
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--no-criterion" => flags.criterion = false,
            "--peer" => flags.peer = true,
            "--instructions" => flags.instructions = true,
            "--sizes" => {
                let list = args.next().ok_or("--sizes needs a list, e.g. 200,2000")?;
                flags.sizes = list
                    .split(',')
                    .map(|n| n.trim().parse::<usize>())
                    .collect::<Result<_, _>>()
                    .map_err(|e| format!("--sizes `{list}`: {e}"))?;
                if flags.sizes.contains(&0) {
                    return Err(format!("--sizes `{list}`: a size must be at least 1"));
                }
            }
            "--runs" => {
                let runs = args.next().ok_or("--runs needs a number, e.g. 5")?;
                flags.runs = runs
                    .trim()
                    .parse::<usize>()
                    .map_err(|e| format!("--runs `{runs}`: {e}"))?;
                if flags.runs == 0 {
                    return Err(format!("--runs `{runs}`: at least one run"));
                }
            }
            "--" => flags.extra.extend(args.by_ref().cloned()),
            other => {
                return Err(format!(
                    "bench: unknown flag `{other}` (--no-criterion, --sizes LIST, --runs N, --peer, --instructions, -- CRITERION ARGS)"
                ));
            }
        }
    }
    Ok(flags)
}

pub(crate) fn run(args: &[String]) -> Result<(), String> {
    let flags = flags(args)?;
    if flags.criterion {
        let mut args = vec!["bench", "--workspace"];
        if !flags.extra.is_empty() {
            args.push("--");
            args.extend(flags.extra.iter().map(String::as_str));
        }
        cargo(&args, &[])?;
    }
    cargo(
        &[
            "build",
            "--release",
            "--quiet",
            "--package",
            "refine-eval",
            "--package",
            "refine-cli",
        ],
        &[],
    )?;
    // `refine prep` is timed first: after the evals, the kernel is still writing their
    // results (130 MB at 20,000 cases) back to disk, and a 2 ms process feels every write.
    let prep = prep_median()?;
    println!(
        "refine prep (offline, markdown), median of {PREP_RUNS} runs: {:.2} ms",
        ms(prep)
    );
    let dir = root().join("target/bench-eval");
    let mut evals = Vec::new();
    for &n in &flags.sizes {
        let topics = write_topics(&dir, n)?;
        let runs = (0..flags.runs)
            .map(|_| {
                warm_page_cache(&topics)?;
                eval(&dir, &topics, n)
            })
            .collect::<Result<Vec<_>, _>>()?;
        let figures = Runs::of(&runs);
        println!(
            "eval of {n} topics on offline, -j 2, median of {} runs, each after reading its topic files once: CPU {:.2} s ({:.0} µs per case; {:.0}-{:.0}), wall {:.2} s, peak {}",
            runs.len(),
            figures.median.cpu.as_secs_f64(),
            per_case_us(&figures.median, n),
            figures.least_cpu.as_secs_f64() * 1e6 / n as f64,
            figures.most_cpu.as_secs_f64() * 1e6 / n as f64,
            figures.median.wall.as_secs_f64(),
            mib(figures.median.peak_kib)
        );
        evals.push((n, figures.median));
    }
    let peer = peer::measure(&dir, &flags.sizes, flags.peer)?;
    let instructions = if flags.instructions {
        let per_case = instructions_per_case(&dir)?;
        let (small, large) = INSTRUCTION_SIZES;
        println!(
            "eval instructions per case on offline, -j 1, callgrind over {large} and {small} topics: {:.1} K",
            per_case / 1000.0
        );
        Some(per_case)
    } else {
        None
    };
    // The first reads one reply again and again, so the parser's memos of repeated lines
    // always hit; the second reads differing replies in turn, as an eval does.
    let parse_lint = [
        (
            "parse + lint of a typical reply, read again and again (criterion median)",
            criterion_median_ns("analyze typical reply"),
        ),
        (
            "parse + lint, the clean fixture replies in turn (criterion median a reply)",
            criterion_median_ns("analyze clean replies in turn"),
        ),
    ];
    table(&evals, prep, &parse_lint, &peer, instructions);
    Ok(())
}

/// The instructions of one offline eval case: callgrind's counts of runs over the two
/// [`INSTRUCTION_SIZES`], their difference per case between them.
fn instructions_per_case(dir: &Path) -> Result<f64, String> {
    let (small, large) = INSTRUCTION_SIZES;
    let count = |n: usize| -> Result<u64, String> {
        let topics = write_topics(dir, n)?;
        let out = dir.join(format!("callgrind-{n}"));
        let _ = std::fs::remove_dir_all(&out);
        let output = Command::new("valgrind")
            .arg("--tool=callgrind")
            .arg("--callgrind-out-file=/dev/null")
            .arg(release("refine-eval"))
            .args(["run", "--topics"])
            .arg(&topics)
            .args(["-j", "1", "--out"])
            .arg(&out)
            .args(["--run-id", "bench", "--plain"])
            .current_dir(root())
            .stdout(Stdio::null())
            .output()
            .map_err(|e| {
                format!("--instructions runs valgrind (Debian's package `valgrind`): {e}")
            })?;
        let stderr = String::from_utf8_lossy(&output.stderr);
        if !output.status.success() {
            return Err(format!(
                "callgrind over {n} topics failed ({}):\n{}",
                output.status,
                stderr.lines().rev().take(15).collect::<Vec<_>>().join("\n")
            ));
        }
        collected_instructions(&stderr)
            .ok_or_else(|| format!("callgrind over {n} topics printed no `Collected :` count"))
    };
    let (fewer, more) = (count(small)?, count(large)?);
    Ok(more.saturating_sub(fewer) as f64 / (large - small) as f64)
}

/// The instructions callgrind counted, from its summary (`==PID== Collected : N`).
fn collected_instructions(stderr: &str) -> Option<u64> {
    stderr.lines().find_map(|line| {
        let (_, after) = line.split_once("Collected :")?;
        after.trim().parse().ok()
    })
}

/// What one process took, by `/usr/bin/time -v` (CPU and peak memory) and the clock.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Measured {
    pub(crate) cpu: Duration,
    pub(crate) wall: Duration,
    pub(crate) peak_kib: Option<u64>,
}

/// The figures of several runs of one process: the median CPU and wall times, the highest
/// peak memory (the memory target is a ceiling), and the CPU times' range.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Runs {
    median: Measured,
    least_cpu: Duration,
    most_cpu: Duration,
}

impl Runs {
    /// The figures of `runs`, at least one.
    fn of(runs: &[Measured]) -> Runs {
        let median_of = |mut times: Vec<Duration>| {
            times.sort();
            let middle = times.len() / 2;
            if times.len().is_multiple_of(2) {
                (times[middle - 1] + times[middle]) / 2
            } else {
                times[middle]
            }
        };
        let cpu: Vec<Duration> = runs.iter().map(|r| r.cpu).collect();
        Runs {
            median: Measured {
                cpu: median_of(cpu.clone()),
                wall: median_of(runs.iter().map(|r| r.wall).collect()),
                peak_kib: runs.iter().filter_map(|r| r.peak_kib).max(),
            },
            least_cpu: cpu.iter().copied().min().unwrap_or_default(),
            most_cpu: cpu.iter().copied().max().unwrap_or_default(),
        }
    }
}

/// Runs `command` under `/usr/bin/time -v` when it is there; fails on a non-zero exit.
pub(crate) fn measure(program: &Path, args: &[String], cwd: &Path) -> Result<Measured, String> {
    measure_with(program, args, cwd, &[])
}

pub(crate) fn measure_with(
    program: &Path,
    args: &[String],
    cwd: &Path,
    env: &[(&str, &str)],
) -> Result<Measured, String> {
    let time = Path::new("/usr/bin/time");
    let mut command = if time.exists() {
        let mut c = Command::new(time);
        c.arg("-v").arg(program);
        c
    } else {
        Command::new(program)
    };
    command
        .args(args)
        .current_dir(cwd)
        .envs(env.iter().copied())
        .stdout(Stdio::null());
    let started = Instant::now();
    let output = command
        .output()
        .map_err(|e| format!("running {}: {e}", program.display()))?;
    let wall = started.elapsed();
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        let tail: Vec<&str> = stderr.lines().rev().take(15).collect();
        return Err(format!(
            "{} failed ({}):\n{}",
            program.display(),
            output.status,
            tail.into_iter().rev().collect::<Vec<_>>().join("\n")
        ));
    }
    let field = |name: &str| {
        stderr
            .lines()
            .find_map(|l| l.trim().strip_prefix(name))
            .and_then(|v| v.trim().parse::<f64>().ok())
    };
    let cpu = match (
        field("User time (seconds): "),
        field("System time (seconds): "),
    ) {
        (Some(user), Some(system)) => Duration::from_secs_f64(user + system),
        // Without /usr/bin/time, the wall time stands in for the CPU time.
        _ => wall,
    };
    Ok(Measured {
        cpu,
        wall,
        peak_kib: field("Maximum resident set size (kbytes): ").map(|kb| kb as u64),
    })
}

/// `n` topics, the fixtures repeated under new ids, in a folder of their own (written once).
fn write_topics(dir: &Path, n: usize) -> Result<PathBuf, String> {
    let topics = dir.join(format!("topics-{n}"));
    let done = topics.join(".complete");
    if done.exists() {
        return Ok(topics);
    }
    let _ = std::fs::remove_dir_all(&topics);
    std::fs::create_dir_all(&topics).map_err(|e| format!("creating {}: {e}", topics.display()))?;
    for (i, text) in fixture_topics(n)?.into_iter().enumerate() {
        std::fs::write(topics.join(format!("b{i:05}.toml")), text)
            .map_err(|e| format!("writing topics: {e}"))?;
    }
    std::fs::write(&done, "").map_err(|e| e.to_string())?;
    Ok(topics)
}

/// The text of `n` topic files: the fixtures in turn, each under a new id.
pub(crate) fn fixture_topics(n: usize) -> Result<Vec<String>, String> {
    let mut fixtures: Vec<_> = std::fs::read_dir(root().join("fixtures/topics"))
        .map_err(|e| format!("reading fixtures/topics: {e}"))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    fixtures.sort();
    let texts: Vec<String> = fixtures
        .iter()
        .map(|p| std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display())))
        .collect::<Result<_, _>>()?;
    Ok((0..n)
        .map(|i| texts[i % texts.len()].replacen("id = \"", &format!("id = \"b{i:05}-"), 1))
        .collect())
}

/// Reads every topic file once, untimed, so that a run finds them in the page cache as any run
/// but the first does. Some virtual machines evict small files seconds after they were read
/// (this one dropped a third of 20,000 topic files between two runs, and a run that read them
/// back from the virtual disk spent a tenth of its CPU in the kernel doing so): the figure is
/// the harness's, not the disk's.
fn warm_page_cache(topics: &Path) -> Result<(), String> {
    let entries =
        std::fs::read_dir(topics).map_err(|e| format!("reading {}: {e}", topics.display()))?;
    for entry in entries {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.is_file() {
            std::fs::read(&path).map_err(|e| format!("reading {}: {e}", path.display()))?;
        }
    }
    Ok(())
}

fn eval(dir: &Path, topics: &Path, n: usize) -> Result<Measured, String> {
    let out = dir.join(format!("runs-{n}"));
    let _ = std::fs::remove_dir_all(&out);
    let args = [
        "run",
        "--topics",
        &topics.to_string_lossy(),
        "-j",
        "2",
        "--out",
        &out.to_string_lossy(),
        "--run-id",
        "bench",
        "--plain",
    ]
    .map(str::to_string);
    measure(&release("refine-eval"), &args, &root())
}

fn release(binary: &str) -> PathBuf {
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root().join("target"), PathBuf::from);
    target.join("release").join(binary)
}

const PREP_RUNS: usize = 51;

/// The median wall time of `refine prep` on a topic, offline, Markdown to a null stdout.
fn prep_median() -> Result<Duration, String> {
    let binary = release("refine");
    let run = || {
        let started = Instant::now();
        let status = Command::new(&binary)
            .args(["prep", "Reduce checkout abandonment on mobile"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .map_err(|e| format!("running {}: {e}", binary.display()))?;
        if !status.success() {
            return Err(format!("refine prep failed ({status})"));
        }
        Ok(started.elapsed())
    };
    for _ in 0..5 {
        run()?;
    }
    let mut times: Vec<Duration> = (0..PREP_RUNS).map(|_| run()).collect::<Result<_, _>>()?;
    times.sort();
    Ok(times[times.len() / 2])
}

/// A criterion benchmark's last median, in nanoseconds, from `target/criterion`.
fn criterion_median_ns(name: &str) -> Option<f64> {
    let path = root()
        .join("target/criterion")
        .join(name.replace(':', "_"))
        .join("new/estimates.json");
    let text = std::fs::read_to_string(path).ok()?;
    let median = &text[text.find("\"median\"")?..];
    let value = &median[median.find("\"point_estimate\":")? + "\"point_estimate\":".len()..];
    let end = value.find([',', '}'])?;
    value[..end].trim().parse().ok()
}

fn per_case_us(m: &Measured, n: usize) -> f64 {
    m.cpu.as_secs_f64() * 1e6 / n as f64
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn mib(kib: Option<u64>) -> String {
    kib.map_or_else(
        || String::from("unknown (no /usr/bin/time)"),
        |kb| format!("{:.1} MiB", kb as f64 / 1024.0),
    )
}

fn verdict(met: Option<bool>) -> &'static str {
    match met {
        Some(true) => "met",
        Some(false) => "NOT MET",
        None => "-",
    }
}

fn table(
    evals: &[(usize, Measured)],
    prep: Duration,
    parse_lint: &[(&str, Option<f64>)],
    peer: &peer::PeerFigures,
    instructions: Option<f64>,
) {
    let mut rows: Vec<[String; 4]> = Vec::new();
    for (n, m) in evals {
        let us = per_case_us(m, *n);
        let largest = *n == 20_000;
        rows.push([
            format!("offline eval CPU per case, {n} cases (median)"),
            format!("{us:.0} µs"),
            format!("<= {CPU_PER_CASE_US:.0} µs"),
            verdict(largest.then_some(us <= CPU_PER_CASE_US)).to_string(),
        ]);
        let peak = m.peak_kib.map(|kb| kb as f64 / 1024.0);
        rows.push([
            format!("offline eval peak memory, {n} cases"),
            mib(m.peak_kib),
            format!("< {PEAK_AT_20K_MIB:.0} MiB at 20000"),
            verdict(peak.filter(|_| largest).map(|p| p < PEAK_AT_20K_MIB)).to_string(),
        ]);
    }
    if let Some(per_case) = instructions {
        let (small, large) = INSTRUCTION_SIZES;
        rows.push([
            format!("offline eval instructions per case ({large} - {small} cases)"),
            format!("{:.1} K", per_case / 1000.0),
            String::from("reported"),
            String::from("-"),
        ]);
    }
    for (what, ns) in parse_lint {
        rows.push([
            String::from(*what),
            ns.map_or_else(
                || String::from("no figure: run without --no-criterion"),
                |ns| format!("{:.1} µs", ns / 1000.0),
            ),
            format!("<= {PARSE_LINT_US:.0} µs"),
            verdict(ns.map(|ns| ns / 1000.0 <= PARSE_LINT_US)).to_string(),
        ]);
    }
    rows.push([
        String::from("refine prep end to end (median wall)"),
        format!("{:.2} ms", ms(prep)),
        format!("<= {PREP_MS:.0} ms"),
        verdict(Some(ms(prep) <= PREP_MS)).to_string(),
    ]);
    for (n, m) in evals {
        let row = match peer.at(*n) {
            Some(p) => [
                format!("JS peer / refine, {n} cases (CPU; memory)"),
                format!(
                    "{:.1}x; {}",
                    p.cpu.as_secs_f64() / m.cpu.as_secs_f64().max(1e-9),
                    match (p.peak_kib, m.peak_kib) {
                        (Some(a), Some(b)) => format!("{:.1}x", a as f64 / b.max(1) as f64),
                        _ => String::from("unknown"),
                    }
                ),
                String::from("reported"),
                String::from("-"),
            ],
            None => [
                format!("JS peer / refine, {n} cases"),
                peer.absent_reason(),
                String::from("reported"),
                String::from("-"),
            ],
        };
        rows.push(row);
    }
    let width = |i: usize| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0);
    let widths = [width(0), width(1), width(2)];
    println!();
    println!(
        "{:<w0$}  {:<w1$}  {:<w2$}  status",
        "target",
        "today",
        "goal",
        w0 = widths[0],
        w1 = widths[1],
        w2 = widths[2]
    );
    for row in &rows {
        println!(
            "{:<w0$}  {:<w1$}  {:<w2$}  {}",
            row[0],
            row[1],
            row[2],
            row[3],
            w0 = widths[0],
            w1 = widths[1],
            w2 = widths[2]
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(cpu_ms: u64, wall_ms: u64, peak_kib: Option<u64>) -> Measured {
        Measured {
            cpu: Duration::from_millis(cpu_ms),
            wall: Duration::from_millis(wall_ms),
            peak_kib,
        }
    }

    #[test]
    fn the_figures_of_runs_are_medians_with_the_highest_peak() {
        let runs = [
            run(190, 20, Some(300)),
            run(150, 40, Some(310)),
            run(170, 10, None),
            run(400, 30, Some(305)),
            run(160, 50, Some(299)),
        ];
        let figures = Runs::of(&runs);
        assert_eq!(figures.median, run(170, 30, Some(310)));
        assert_eq!(figures.least_cpu, Duration::from_millis(150));
        assert_eq!(figures.most_cpu, Duration::from_millis(400));
        // An even count: the mean of the middle two.
        let even = Runs::of(&runs[..4]);
        assert_eq!(even.median.cpu, Duration::from_millis(180));
        assert_eq!(Runs::of(&runs[..1]).median, runs[0]);
    }

    #[test]
    fn warming_reads_the_topic_files_and_names_a_folder_it_cannot_read() {
        let dir = std::env::temp_dir().join(format!("xtask-warm-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        // Folders beside the topics are passed over.
        std::fs::create_dir_all(dir.join("sub")).expect("dir");
        std::fs::write(dir.join("a.toml"), "id = \"a\"").expect("topic");
        assert_eq!(warm_page_cache(&dir), Ok(()));
        let _ = std::fs::remove_dir_all(&dir);
        let missing = warm_page_cache(&dir).expect_err("no folder");
        assert!(
            missing.contains(&format!("xtask-warm-{}", std::process::id())),
            "{missing}"
        );
    }

    #[test]
    fn the_instruction_count_is_read_from_callgrinds_summary() {
        let stderr = "==30070== Events    : Ir\n==30070== Collected : 126559\n==30070== \n==30070== I   refs:      126,559\n";
        assert_eq!(collected_instructions(stderr), Some(126_559));
        assert_eq!(
            collected_instructions("==1== I   refs:      126,559\n"),
            None
        );
        assert_eq!(collected_instructions("==1== Collected : many\n"), None);
    }

    #[test]
    fn runs_are_read_from_the_flags() {
        let args = |list: &[&str]| list.iter().map(|a| a.to_string()).collect::<Vec<_>>();
        assert_eq!(flags(&[]).map(|f| f.runs), Ok(RUNS));
        assert_eq!(flags(&args(&["--runs", "3"])).map(|f| f.runs), Ok(3));
        assert!(flags(&args(&["--runs", "0"])).is_err_and(|e| e.contains("at least one")));
        assert!(flags(&args(&["--runs"])).is_err_and(|e| e.contains("--runs needs")));
        assert!(flags(&args(&["--runs", "x"])).is_err_and(|e| e.contains("--runs `x`")));
        assert_eq!(flags(&[]).map(|f| f.instructions), Ok(false));
        assert_eq!(
            flags(&args(&["--instructions"])).map(|f| f.instructions),
            Ok(true)
        );
    }
}
