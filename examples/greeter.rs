//! A basic actor with an `on_receive` handler: starting and stopping it, sending it messages
//! with `tell` and the forms of `ask`, getting replies, and a panic reaching the asker.
//!
//! Port of Pykka's manual, section 2.1.3 "A basic actor" with its parts "Sending messages" and
//! "Replying to messages".
//!
//! ```text
//! cargo run -p examples --example greeter
//! ```
//!
//! The greeter prints on its own thread, yet the output order is fixed: each line of the main
//! thread is printed after an answer (or a `stop`) that comes after the greeter's prints. The
//! raiser panics on purpose, to show the panic reaching the asker as `Error::Panicked`; Rust's
//! panic hook also reports it on stderr, on the raiser's thread.

use std::time::Duration;

use pykka::{Actor, Context, Unhandled};

/// Prints its greeting for every message it gets, and replies with it.
#[derive(Debug)]
pub struct Greeter {
    greeting: String,
}

/// Python's `def __init__(self, greeting='Hi there!')`.
impl Default for Greeter {
    fn default() -> Self {
        Greeter {
            greeting: "Hi there!".to_string(),
        }
    }
}

impl Actor for Greeter {
    type Message = &'static str;
    type Reply = String;

    fn on_receive(&mut self, _ctx: &Context<Self>, _message: &'static str) -> Result<String, Unhandled> {
        println!("{}", self.greeting);
        Ok(self.greeting.clone())
    }
}

/// Panics on every message.
#[derive(Debug)]
pub struct Raiser;

impl Actor for Raiser {
    type Message = &'static str;
    type Reply = ();

    fn on_receive(&mut self, _ctx: &Context<Self>, _message: &'static str) -> Result<(), Unhandled> {
        panic!("Oops")
    }
}

fn main() -> pykka::Result<()> {
    // Start an actor, tell it something, stop it: `stop` handles the queued message first.
    let actor_ref = Greeter::default().start();
    actor_ref.tell("Hi!")?;
    actor_ref.stop();

    // Pass arguments to the actor by building it before starting it.
    let actor_ref = Greeter {
        greeting: "Hi you!".to_string(),
    }
    .start();

    // Returns nothing. Will never block.
    actor_ref.tell("Hi!")?;

    // May block forever waiting for an answer.
    let answer = actor_ref.ask("Hi?")?;
    println!("ask => {answer:?}");

    // May wait 3s for an answer, then returns `Error::Timeout` if no answer.
    let answer = actor_ref.ask_timeout("Hi?", Duration::from_secs(3))?;
    println!("ask_timeout => {answer:?}");

    // Will return a future immediately.
    let future = actor_ref.ask_future("Hi?");
    // May block forever waiting for an answer.
    let answer = future.get()?;
    println!("ask_future, get => {answer:?}");
    // May wait 0.1s for an answer, then returns `Error::Timeout` if no answer.
    let answer = future.get_timeout(Duration::from_millis(100))?;
    println!("ask_future, get_timeout => {answer:?}");

    actor_ref.stop();

    // A panic while handling an `ask` goes to the asker; the actor keeps running.
    println!("Asking the raiser, which panics on purpose (Rust's panic hook reports it on stderr too) ...");
    let actor_ref = Raiser.start();
    match actor_ref.ask("How are you?") {
        Ok(()) => println!("no panic?"),
        Err(e) => println!("ask => {e:?} (intended: the raiser's panic, returned to the asker)"),
    }
    println!("the raiser is still alive: {}", actor_ref.is_alive());
    actor_ref.stop();
    Ok(())
}
