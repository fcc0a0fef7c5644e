// B086: a getter method without a field setter is read-only.
use pykka::{actor, Actor};

#[actor]
pub struct Counter {
    total: u32,
}

impl Actor for Counter { type Message = (); type Reply = (); }

#[actor]
impl Counter {
    pub fn total(&self) -> u32 {
        self.total
    }
}

fn main() {
    let proxy = Counter { total: 0 }.start().proxy().unwrap();
    proxy.set_total(5);
}
