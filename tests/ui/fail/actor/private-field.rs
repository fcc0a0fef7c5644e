// B082: private fields get no accessor.
use pykka::{actor, Actor};

#[actor]
pub struct Counter {
    total: u32,
}

impl Actor for Counter { type Message = (); type Reply = (); }

#[actor]
impl Counter {}

fn main() {
    let proxy = Counter { total: 0 }.start().proxy().unwrap();
    proxy.total();
}
