//! Child processes for the tasks: every wait is bounded, and a background server is killed on
//! every path out of the task that started it, errors and panics included.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

/// How often a wait looks again at a child process.
const POLL_INTERVAL: Duration = Duration::from_millis(50);

/// Runs `command` to completion with its output going to ours, and fails unless it exits 0.
///
/// # Errors
/// When the command cannot start, runs longer than `timeout` (it is then killed), or fails.
pub fn run(command: &mut Command, timeout: Duration) -> Result<()> {
    let status = status(command, timeout)?;
    if !status.success() {
        bail!("`{}` failed ({status})", describe(command));
    }
    Ok(())
}

/// Runs `command` to completion with its output going to ours, and returns how it exited, for
/// a tool whose exit codes say more than success or failure.
///
/// # Errors
/// When the command cannot start or runs longer than `timeout` (it is then killed).
pub fn status(command: &mut Command, timeout: Duration) -> Result<ExitStatus> {
    let description = describe(command);
    println!("+ {description}");
    let child = command
        .spawn()
        .with_context(|| format!("starting `{description}`"))?;
    let mut guard = KillOnDrop::new(child, description);
    guard.wait(timeout)
}

/// Runs `command` to completion and returns its standard output; its standard error goes to ours.
///
/// # Errors
/// When the command cannot start, runs longer than `timeout`, fails, or prints non-UTF-8.
pub fn output(command: &mut Command, timeout: Duration) -> Result<String> {
    let description = describe(command);
    let (status, stdout) = output_and_status(command, timeout)?;
    if !status.success() {
        bail!("`{description}` failed ({status})");
    }
    Ok(stdout)
}

/// Runs `command` to completion and returns its exit status and standard output, whether it
/// succeeded or not; its standard error goes to ours.
///
/// # Errors
/// When the command cannot start, runs longer than `timeout`, or prints non-UTF-8.
pub fn output_and_status(command: &mut Command, timeout: Duration) -> Result<(ExitStatus, String)> {
    let description = describe(command);
    let mut child = command
        .stdout(Stdio::piped())
        .spawn()
        .with_context(|| format!("starting `{description}`"))?;
    let stdout = child.stdout.take();
    let mut guard = KillOnDrop::new(child, description.clone());
    let reader = thread::spawn(move || -> std::io::Result<Vec<u8>> {
        let mut bytes = Vec::new();
        if let Some(mut stdout) = stdout {
            stdout.read_to_end(&mut bytes)?;
        }
        Ok(bytes)
    });
    let status = guard.wait(timeout)?;
    let bytes = reader
        .join()
        .map_err(|_| anyhow::anyhow!("the reader of `{description}` panicked"))?
        .with_context(|| format!("reading the output of `{description}`"))?;
    let stdout =
        String::from_utf8(bytes).with_context(|| format!("`{description}` printed non-UTF-8"))?;
    Ok((status, stdout))
}

/// A running child process, killed (and reaped) when this guard is dropped.
pub struct KillOnDrop {
    child: Child,
    description: String,
    exited: bool,
}

impl KillOnDrop {
    /// Takes charge of `child`; `description` names it in errors.
    pub fn new(child: Child, description: String) -> Self {
        Self {
            child,
            description,
            exited: false,
        }
    }

    /// Waits for the process to exit, killing it after `timeout`.
    ///
    /// # Errors
    /// On timeout (the process is killed), or when its state cannot be read.
    pub fn wait(&mut self, timeout: Duration) -> Result<ExitStatus> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = self.try_wait()? {
                return Ok(status);
            }
            if Instant::now() >= deadline {
                self.kill();
                bail!(
                    "`{}` did not finish within {}s and was killed",
                    self.description,
                    timeout.as_secs()
                );
            }
            thread::sleep(POLL_INTERVAL);
        }
    }

    /// The process's exit status if it has exited, without waiting.
    ///
    /// # Errors
    /// When its state cannot be read.
    pub fn try_wait(&mut self) -> Result<Option<ExitStatus>> {
        let status = self
            .child
            .try_wait()
            .with_context(|| format!("waiting for `{}`", self.description))?;
        if status.is_some() {
            self.exited = true;
        }
        Ok(status)
    }

    /// The process ID.
    pub fn id(&self) -> u32 {
        self.child.id()
    }

    /// Kills the process, if it is still running, and reaps it.
    pub fn kill(&mut self) {
        if self.exited {
            return;
        }
        // Both fail only when the process has already exited and been reaped.
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.exited = true;
    }
}

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        self.kill();
    }
}

/// The lines a background process prints, kept for error reports and sent on as they come.
#[derive(Clone, Default)]
pub struct Log {
    lines: Arc<Mutex<Vec<String>>>,
}

impl Log {
    /// Reads `stream` line by line on a thread of its own, until it closes; returns a receiver of
    /// every line read.
    pub fn capture(&self, stream: impl Read + Send + 'static) -> Receiver<String> {
        let (sender, receiver) = mpsc::channel();
        let lines = Arc::clone(&self.lines);
        thread::spawn(move || {
            for line in BufReader::new(stream).lines() {
                let Ok(line) = line else { break };
                if let Ok(mut lines) = lines.lock() {
                    lines.push(line.clone());
                }
                // The receiver may be gone once the caller has what it waited for.
                let _ = sender.send(line);
            }
        });
        receiver
    }

    /// The last `count` lines captured so far.
    pub fn tail(&self, count: usize) -> Vec<String> {
        match self.lines.lock() {
            Ok(lines) => lines[lines.len().saturating_sub(count)..].to_vec(),
            Err(_) => Vec::new(),
        }
    }
}

/// The command line, for messages.
pub fn describe(command: &Command) -> String {
    let mut words = vec![command.get_program().to_string_lossy().into_owned()];
    words.extend(
        command
            .get_args()
            .map(|argument| argument.to_string_lossy().into_owned()),
    );
    words.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_command_that_runs_too_long_is_killed() {
        let started = Instant::now();
        let error = run(Command::new("sleep").arg("30"), Duration::from_millis(200))
            .expect_err("sleep outlives its timeout");
        assert!(error.to_string().contains("was killed"), "{error}");
        assert!(started.elapsed() < Duration::from_secs(10));
    }

    #[test]
    fn a_failing_command_is_an_error_naming_it() {
        let error = run(Command::new("false").arg("--flag"), Duration::from_secs(10))
            .expect_err("false fails");
        assert!(
            error.to_string().contains("`false --flag` failed"),
            "{error}"
        );
    }

    #[test]
    fn output_returns_what_the_command_printed() {
        let text =
            output(Command::new("echo").arg("hello"), Duration::from_secs(10)).expect("echo runs");
        assert_eq!(text, "hello\n");
    }

    #[test]
    fn dropping_the_guard_kills_the_process() {
        let child = Command::new("sleep")
            .arg("30")
            .spawn()
            .expect("starting sleep");
        let pid = child.id();
        drop(KillOnDrop::new(child, "sleep 30".to_owned()));
        // Reaped, so its /proc entry is gone.
        assert!(!std::path::Path::new(&format!("/proc/{pid}")).exists());
    }

    #[test]
    fn the_log_keeps_the_last_lines() {
        let log = Log::default();
        let receiver = log.capture(std::io::Cursor::new("one\ntwo\nthree\n"));
        let received: Vec<String> = receiver.iter().collect();
        assert_eq!(received, ["one", "two", "three"]);
        assert_eq!(log.tail(2), ["two", "three"]);
    }
}
