//! Testing an actor: a producer whose consumer is a trait object is started against a mock
//! consumer, asked to produce, and checked through the mock.
//!
//! Port of Pykka's manual, section 2.4 "Testing" (2.4.1 "An example").
//!
//! ```text
//! cargo run -p examples --example testing          # runs the scenario, prints the outcome
//! cargo test -p examples --example testing         # runs it as a #[test]
//! ```
//!
//! pytest's fixtures become [`Fixture`]: `Fixture::start` is the setup (step 1) and its `Drop`
//! the teardown (step 4), which runs even when an assertion fails. `unittest.mock.Mock` becomes
//! [`MockConsumer`], a hand-written test double that records its calls; the producer only
//! knows it as a `Box<dyn Consumer>`.

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use pykka::{Actor, actor};

/// A produced item: Python's `{"item": 1, "new": True}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// The item's number.
    pub item: u32,
    /// Whether it was just produced.
    pub new: bool,
}

/// Whoever takes the producer's items.
pub trait Consumer: Send + fmt::Debug {
    /// Takes one item.
    fn consume(&mut self, item: Item);
}

/// The actor under test: produces items into its consumer.
#[actor]
#[derive(Debug)]
pub struct Producer {
    consumer: Box<dyn Consumer>,
}

impl Actor for Producer {
    type Message = ();
    type Reply = ();
}

#[actor]
impl Producer {
    /// Produces one new item and hands it to the consumer.
    pub fn produce(&mut self) {
        let new_item = Item { item: 1, new: true };
        self.consumer.consume(new_item);
    }
}

/// A consumer that records every call, for tests; clones share the record.
#[derive(Debug, Clone, Default)]
pub struct MockConsumer {
    calls: Arc<Mutex<Vec<Item>>>,
}

impl MockConsumer {
    /// Returns the items `consume` was called with, in call order.
    pub fn calls(&self) -> Vec<Item> {
        self.calls.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// Checks that `consume` was called exactly once, with `item` (as the `Mock` method of
    /// the same name does).
    ///
    /// # Panics
    ///
    /// If it was not.
    pub fn assert_called_once_with(&self, item: &Item) {
        assert_eq!(
            self.calls(),
            std::slice::from_ref(item),
            "consume should be called once with {item:?}"
        );
    }
}

impl Consumer for MockConsumer {
    fn consume(&mut self, item: Item) {
        self.calls.lock().unwrap_or_else(PoisonError::into_inner).push(item);
    }
}

/// A started producer wired to a mock consumer; dropping it stops the producer.
#[derive(Debug)]
pub struct Fixture {
    /// The proxy of the actor under test.
    pub producer: ProducerProxy,
    /// The mock the producer was given.
    pub consumer_mock: MockConsumer,
}

impl Fixture {
    /// Step 1: the actor under test is wired up with its dependencies and is started.
    ///
    /// # Errors
    ///
    /// [`pykka::Error::ActorDead`] if the producer stopped before its proxy was made.
    pub fn start() -> pykka::Result<Self> {
        let consumer_mock = MockConsumer::default();
        let producer = Producer {
            consumer: Box::new(consumer_mock.clone()),
        }
        .start()
        .proxy()?;
        Ok(Fixture {
            producer,
            consumer_mock,
        })
    }
}

impl Drop for Fixture {
    /// Step 4: the actor is stopped to clean up before the next test.
    fn drop(&mut self) {
        self.producer.actor_ref().stop();
    }
}

fn main() -> pykka::Result<()> {
    let fixture = Fixture::start()?;
    fixture.producer.produce().get()?;
    println!("consume was called with: {:?}", fixture.consumer_mock.calls());
    fixture
        .consumer_mock
        .assert_called_once_with(&Item { item: 1, new: true });
    println!("test_producer_actor: ok");
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::{Fixture, Item};

    #[test]
    fn test_producer_actor() {
        let fixture = Fixture::start().unwrap();

        // Step 2: interact with the actor. Calling `get` on the last future returned by the
        // actor waits for the actor to process all messages before asserting anything.
        fixture.producer.produce().get().unwrap();

        // Step 3: assert that the return values or actor state are as expected.
        fixture
            .consumer_mock
            .assert_called_once_with(&Item { item: 1, new: true });
    }
}
