//! Deadlock debugging (Pykka manual 2.13.1), done better: the runtime finds the deadlock.
//!
//! Two actors call each other through proxies and block on the replies, which deadlocks.
//! SIGUSR1 then logs what every actor is doing (`pykka::debug::install_signal_handler`), and
//! turning deadlock detection on ends the deadlock with `Error::Deadlock` naming the cycle.
//!
//! Run it with `cargo run -p examples --example deadlock_debugging`; the state dump is logged
//! to stderr. With `--wait`, the program stays deadlocked after the dump so you can send
//! `kill -SIGUSR1 <pid>` yourself; end it with `kill <pid>`.

use std::time::{Duration, Instant};

use pykka::{Actor, Error, actor, debug};

/// Calls `bar` on B and blocks on the reply.
#[actor]
#[derive(Debug)]
pub struct DeadlockActorA;

impl Actor for DeadlockActorA {
    type Message = ();
    type Reply = ();
}

#[actor]
impl DeadlockActorA {
    /// "This is foo calling bar".
    pub fn foo(&self, b: DeadlockActorBProxy) -> Result<String, Error> {
        tracing::debug!("This is foo calling bar");
        b.bar().get()?
    }
}

/// Calls `foo` on A and blocks on the reply: BOOM.
#[actor]
#[derive(Debug)]
pub struct DeadlockActorB {
    a: DeadlockActorAProxy,
}

impl Actor for DeadlockActorB {
    type Message = ();
    type Reply = ();
}

#[actor]
impl DeadlockActorB {
    /// "This is bar calling foo; BOOM!".
    pub fn bar(&self, ctx: &pykka::Context<Self>) -> Result<String, Error> {
        tracing::debug!("This is bar calling foo; BOOM!");
        self.a.foo(ctx.proxy()).get()?
    }
}

/// The actor names of a cycle, in a stable order.
fn names(cycle: &[pykka::ActorId]) -> String {
    let mut names: Vec<&str> = cycle.iter().map(pykka::ActorId::name).collect();
    names.sort_unstable();
    names.join(" <-> ")
}

fn main() {
    let wait = std::env::args().any(|a| a == "--wait");
    println!("Setting up logging to get output from signal handler...");
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_ansi(false)
        .with_writer(std::io::stderr)
        .init();

    println!("Registering signal handler...");
    let handler = debug::install_signal_handler().expect("cannot register the SIGUSR1 handler");

    println!("Starting actors...");
    let a = DeadlockActorA.start().proxy().expect("A is alive");
    let b = DeadlockActorB { a: a.clone() }.start().proxy().expect("B is alive");

    println!("Now doing something stupid that will deadlock the actors (on purpose)...");
    let outcome = a.foo(b.clone());

    let deadline = Instant::now() + Duration::from_secs(10);
    let cycle = loop {
        if let Some(cycle) = debug::find_deadlocks().into_iter().next() {
            break cycle;
        }
        assert!(Instant::now() < deadline, "the actors did not deadlock");
        std::thread::sleep(Duration::from_millis(10));
    };
    println!("The actors are deadlocked, as intended: {}", names(&cycle));

    let pid = std::process::id();
    println!("Sending SIGUSR1 to this process: the handler logs every actor's state to stderr");
    signal_hook::low_level::raise(signal_hook::consts::SIGUSR1).expect("cannot raise SIGUSR1");
    if wait {
        println!("1) Use `kill -SIGUSR1 {pid}` to log the actor states again");
        println!("2) Then `kill {pid}` to terminate the process");
        loop {
            std::thread::sleep(Duration::from_secs(1));
        }
    }

    println!("Turning deadlock detection on...");
    debug::set_deadlock_detection(true);
    match outcome.get() {
        Ok(Err(Error::Deadlock { cycle })) | Err(Error::Deadlock { cycle }) => {
            println!("a.foo(b) failed with Error::Deadlock, as intended: {}", names(&cycle));
        }
        other => println!("a.foo(b) ended unexpectedly: {other:?}"),
    }

    println!("Stopping all actors...");
    pykka::ActorRegistry::global().stop_all();
    handler.close();
    println!(
        "Done: no actor is left ({} registered)",
        pykka::ActorRegistry::global().len()
    );
}
