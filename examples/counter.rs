//! Two cooperating actors: a bookkeeper counts to ten by asking an adder to add one, again and
//! again, blocking on the adder's future from inside its own method.
//!
//! Port of Pykka's manual, section 2.2.3 "Multiple cooperating actors" (`examples/counter.py`).
//!
//! ```text
//! cargo run -p examples --example counter
//! ```
//!
//! Python prints `self`, which shows the actor's class name and URN; an actor's methods here
//! see `self` as plain state, and take the actor's [`Context`] to print its identity. Each line
//! is printed by the actor that does the work, yet the order is fixed: the bookkeeper waits
//! for every answer of the adder before it goes on.

use pykka::{Actor, ActorRegistry, Context, actor};

/// Adds one.
#[actor]
#[derive(Debug)]
pub struct Adder;

impl Actor for Adder {
    type Message = ();
    type Reply = ();
}

#[actor]
impl Adder {
    /// Returns `i + 1`, announcing it first.
    pub fn add_one(&self, ctx: &Context<Self>, i: u32) -> u32 {
        println!("{} is increasing {i}", ctx.id());
        i + 1
    }
}

/// Counts with the help of an [`Adder`].
#[actor]
#[derive(Debug)]
pub struct Bookkeeper {
    adder: AdderProxy,
}

impl Actor for Bookkeeper {
    type Message = ();
    type Reply = ();
}

#[actor]
impl Bookkeeper {
    /// Counts from 0 to `target`, one `add_one` call to the adder per step.
    ///
    /// # Errors
    ///
    /// The adder's error if one of its answers fails (if it stopped, for example).
    pub fn count_to(&self, ctx: &Context<Self>, target: u32) -> pykka::Result<()> {
        let mut i = 0;
        while i < target {
            i = self.adder.add_one(i).get()?;
            println!("{} got {i} back", ctx.id());
        }
        Ok(())
    }
}

fn main() -> pykka::Result<()> {
    let adder = Adder.start().proxy()?;
    let bookkeeper = Bookkeeper { adder }.start().proxy()?;
    bookkeeper.count_to(10).get()??;
    ActorRegistry::global().stop_all();
    Ok(())
}
