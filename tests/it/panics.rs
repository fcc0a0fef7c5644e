//! Panics the runtime handles, and `pykka::quiet_handled_panics`, which keeps Rust's default
//! panic hook quiet about them (and only them).
//!
//! A panic hook is process-wide, so the hook is installed in a child process: the test binary
//! runs itself, filtered to one test, with an environment variable telling that test to play
//! the child. The parent reads the child's stderr.

use std::process::{Command, Output};

use pykka::{Actor, Context, Error, Failure, Unhandled};

use crate::support::{DEFAULT_TIMEOUT, Events, spawn, within};

/// Set in the child process to the mode it runs in: `quiet` installs the hook, `loud` does not.
const CHILD: &str = "PYKKA_TEST_PANICS_CHILD";

/// Panics everywhere pykka catches panics: in `on_start` when told to, in every handler, in
/// `on_failure`.
struct Fragile {
    panic_in_on_start: bool,
    events: Events,
}

impl Actor for Fragile {
    type Message = &'static str;
    type Reply = ();

    fn on_start(&mut self, _ctx: &Context<Self>) {
        assert!(!self.panic_in_on_start, "handled panic in on_start");
    }

    fn on_receive(&mut self, _ctx: &Context<Self>, message: &'static str) -> Result<(), Unhandled> {
        panic!("handled panic in {message}");
    }

    fn on_failure(&mut self, _ctx: &Context<Self>, _failure: &Failure) {
        self.events.push("on_failure");
        panic!("handled panic in on_failure");
    }
}

/// The child's part: handled panics of every kind, then a panic on a plain thread.
fn play_child(quiet: bool) {
    if quiet {
        pykka::quiet_handled_panics();
        pykka::quiet_handled_panics();
    }
    let events = Events::new();
    let failed_start = Fragile {
        panic_in_on_start: true,
        events: events.clone(),
    }
    .start();
    within("join", move || failed_start.join()).unwrap();

    let actor = Fragile {
        panic_in_on_start: false,
        events: events.clone(),
    }
    .start();
    assert!(matches!(
        actor.ask_future("an ask").get_timeout(DEFAULT_TIMEOUT),
        Err(Error::Panicked { .. })
    ));
    actor.tell("a tell").unwrap();
    events.wait_for("on_failure");
    within("join", move || actor.join()).unwrap();

    // A combinator's closure, run on the reading thread: every reader gets the error.
    let mapped = pykka::Future::ready(1).map(|_: i32| -> i32 { panic!("handled panic in a map closure") });
    assert!(mapped.get().is_err());

    // An unread value dropped by its last future, on this (non-actor) thread.
    struct Bomb;
    impl Drop for Bomb {
        fn drop(&mut self) {
            panic!("handled panic in an unread value's drop");
        }
    }
    let (promise, future) = pykka::Promise::new();
    promise.set(Bomb);
    drop(future);

    let plain = spawn("plain", || panic!("unhandled panic on a plain thread"));
    assert!(plain.join().is_err());
    println!("child done");
}

/// Runs this test binary again as the child, in `mode`, and returns its output.
fn run_child(mode: &str) -> Output {
    let exe = std::env::current_exe().expect("the test binary's path");
    let child = Command::new(exe)
        .args([
            "--exact",
            "panics::quiet_handled_panics_silences_the_default_hook_for_handled_panics_only",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD, mode)
        .env("RUST_BACKTRACE", "0")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the child process");
    within("the child process", move || {
        child.wait_with_output().expect("the child's output")
    })
}

#[test]
fn quiet_handled_panics_silences_the_default_hook_for_handled_panics_only() {
    if let Some(mode) = std::env::var_os(CHILD) {
        play_child(mode == "quiet");
        return;
    }
    let loud = run_child("loud");
    let quiet = run_child("quiet");
    for output in [&loud, &quiet] {
        assert!(output.status.success(), "{output:?}");
        assert!(
            String::from_utf8_lossy(&output.stdout).contains("child done"),
            "{output:?}"
        );
    }
    let (loud, quiet) = (
        String::from_utf8_lossy(&loud.stderr),
        String::from_utf8_lossy(&quiet.stderr),
    );
    // Without the hook, the default hook prints every panic, handled or not.
    for kind in [
        "on_start",
        "an ask",
        "a tell",
        "on_failure",
        "a map closure",
        "an unread value's drop",
    ] {
        assert!(loud.contains(&format!("handled panic in {kind}")), "{loud}");
    }
    assert!(loud.contains("unhandled panic on a plain thread"), "{loud}");
    // With it, only the panic pykka did not handle.
    assert!(!quiet.contains("handled panic in"), "{quiet}");
    assert!(quiet.contains("unhandled panic on a plain thread"), "{quiet}");
}
