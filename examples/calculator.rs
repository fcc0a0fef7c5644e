//! Actor proxies: method calls, field reads and field writes, each a message to the actor and
//! each answered through a future.
//!
//! Port of Pykka's manual, section 2.1.4 "Actor proxies".
//!
//! ```text
//! cargo run -p examples --example calculator
//! ```
//!
//! Python's `b=None` default is an `Option` argument, and `last_result` starts as `None`, so
//! it reads as an `Option` too. Python's `proxy.last_result` and `proxy.last_result = 17` are
//! the generated `last_result()` and `set_last_result(..)`.

use pykka::{Actor, actor};

/// Adds and subtracts, remembering the last result.
#[actor]
#[derive(Debug, Default)]
pub struct Calculator {
    /// The result of the last operation, `None` before the first one.
    pub last_result: Option<i64>,
}

impl Actor for Calculator {
    type Message = ();
    type Reply = ();
}

#[actor]
impl Calculator {
    /// Returns `a + b`, or `last_result + a` without `b`, and remembers it.
    ///
    /// # Panics
    ///
    /// Without `b` and without a last result (where Python raises a `TypeError`).
    pub fn add(&mut self, a: i64, b: Option<i64>) -> i64 {
        let result = match b {
            Some(b) => a + b,
            None => self.last_result.expect("no last result to add to") + a,
        };
        self.last_result = Some(result);
        result
    }

    /// Returns `a - b`, or `last_result - a` without `b`, and remembers it.
    ///
    /// # Panics
    ///
    /// Without `b` and without a last result (where Python raises a `TypeError`).
    pub fn sub(&mut self, a: i64, b: Option<i64>) -> i64 {
        let result = match b {
            Some(b) => a - b,
            None => self.last_result.expect("no last result to subtract from") - a,
        };
        self.last_result = Some(result);
        result
    }
}

fn main() -> pykka::Result<()> {
    let actor_ref = Calculator::default().start();
    let proxy = actor_ref.proxy()?;

    // A method call returns a future of the method's result.
    let future = proxy.add(1, Some(3));
    println!("add(1, 3) => {}", future.get()?);
    println!("last_result => {:?}", proxy.last_result().get()?);

    // Messages are handled in order: no need to wait before the next call.
    proxy.sub(5, None);
    proxy.add(3, None);
    println!("sub(5), add(3), last_result => {:?}", proxy.last_result().get()?);

    // Setting a field is a message too, handled before the read that follows it.
    proxy.set_last_result(Some(17));
    println!("last_result = 17, last_result => {:?}", proxy.last_result().get()?);

    actor_ref.stop();
    Ok(())
}
