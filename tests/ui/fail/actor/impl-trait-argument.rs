use pykka::{actor, Actor};

#[actor]
pub struct Counter;

impl Actor for Counter { type Message = (); type Reply = (); }

#[actor]
impl Counter {
    pub fn show(&self, value: impl std::fmt::Display) {
        println!("{value}");
    }
}

fn main() {}
