use pykka::{actor, Actor};

#[actor]
pub struct Counter {
    pub total: u32,
}

impl Actor for Counter { type Message = (); type Reply = (); }

impl Counter {
    pub fn add(&mut self, amount: u32) {
        self.total += amount;
    }
}

fn main() {}
