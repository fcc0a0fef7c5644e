// B076: the same through `defer()`.
use pykka::{actor, Actor};

#[actor]
pub struct Counter {
    pub total: u32,
}

impl Actor for Counter { type Message = (); type Reply = (); }

#[actor]
impl Counter {
    pub fn add(&mut self, amount: u32) {
        self.total += amount;
    }
}

fn main() {
    let proxy = Counter { total: 0 }.start().proxy().unwrap();
    proxy.defer().unknown();
}
