//! Supervision: a worker that fails now and then, restarted in place by a
//! [`Supervisor`](pykka::Supervisor), and a client that keeps one proxy to it throughout.
//!
//! ```text
//! cargo run -p examples --example supervision
//! ```
//!
//! The worker adds up the numbers it is sent. A line that is not a number makes it panic while
//! handling a tell (a `defer()` call, which nobody waits for): the worker fails, and its
//! supervisor rebuilds it in place, with a fresh state from its factory. The client never
//! notices: it keeps the same proxy, its later calls reach the new incarnation in the order
//! they were sent, and none of them fails with `ActorDead`. What a restart loses is the
//! state; what it keeps is everything else.
//!
//! Every line is printed by `main`, after the reply it shows, so the output does not depend on
//! timing. The failures are logged by pykka at ERROR and the restarts at INFO (target `pykka`,
//! through `tracing`; this example installs no subscriber, so they are not shown).

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use pykka::{Actor, ChildSpec, Strategy, SupervisorSpec, Termination, actor};

/// Adds up numbers; panics on a line that is not one.
#[actor]
#[derive(Debug)]
pub struct Adder {
    /// Which start of the worker this is: 1, 2, …
    incarnation: u32,
    /// The sum of the lines handled by this incarnation.
    total: i64,
}

impl Actor for Adder {
    type Message = ();
    type Reply = ();
}

#[actor]
impl Adder {
    /// Adds the number on `line`. Panics if it is not a number: sent with `defer()`, that is a
    /// failure of the worker.
    pub fn add(&mut self, line: String) {
        let n: i64 = line.trim().parse().unwrap_or_else(|_| panic!("not a number: {line:?}"));
        self.total += n;
    }

    /// Returns which incarnation answers, and its total.
    pub fn report(&self) -> (u32, i64) {
        (self.incarnation, self.total)
    }
}

fn main() -> pykka::Result<()> {
    // The panics below are handled by pykka (it logs them); keep Rust's default hook quiet.
    pykka::quiet_handled_panics();

    // The factory runs on the worker's thread, for its first start and again for each
    // restart. What must survive a restart lives outside the state: here, the count of starts.
    let starts = Arc::new(AtomicU32::new(0));
    let factory = {
        let starts = starts.clone();
        move || Adder {
            incarnation: starts.fetch_add(1, Ordering::SeqCst) + 1,
            total: 0,
        }
    };
    let supervisor = SupervisorSpec::new(Strategy::OneForOne)
        .intensity(5, Duration::from_secs(60))
        .child(ChildSpec::new(factory))
        .start()?;

    // The client takes one proxy, once, and keeps it for the whole program.
    let adder = supervisor.child::<Adder>(0)?.expect("child 0 is the adder").proxy()?;

    let batches: [&[&str]; 4] = [&["12", "30"], &["7", "oops", "5"], &["100"], &["1", "two", "3", "4"]];
    for lines in batches {
        for line in lines {
            // A tell: it returns at once. A bad line fails the worker when it is handled.
            adder.defer().add((*line).to_owned())?;
        }
        // An ask, queued behind the tells: handled once they are, by whichever incarnation is
        // current by then. `?` would end the program on any error, `ActorDead` included.
        let (incarnation, total) = adder.report().get()?;
        println!("sent {lines:?}: incarnation {incarnation} has a total of {total}");
    }

    let restarts = supervisor.ask_with(|supervisor, _| supervisor.restarts()).get()?;
    println!("the supervisor restarted the adder {restarts} time(s)");
    println!("the adder is still alive: {}", adder.actor_ref().is_alive());

    // Stopping the supervisor stops its children first; the adder's termination resolves once,
    // at this final end (a restart is not a termination).
    let termination = adder.actor_ref().termination();
    supervisor.stop();
    assert_eq!(termination.get()?, Termination::Stopped);
    println!(
        "the supervisor stopped; the adder's termination: {}",
        termination.get()?
    );
    Ok(())
}
