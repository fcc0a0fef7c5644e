use pykka::{actor, Actor};

#[actor]
pub struct Counter;

impl Actor for Counter { type Message = (); type Reply = (); }

#[actor]
impl Counter {
    pub fn echo<T>(&self, value: T) -> T {
        value
    }
    pub async fn count(&self) {}
    pub fn consume(self) {}
    pub fn greet(&self, name: &str) {
        println!("hello {name}");
    }
    pub fn name(&self) -> &str {
        "counter"
    }
}

fn main() {}
