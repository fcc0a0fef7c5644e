// B083: a missing field has no accessor.
use pykka::{actor, Actor};

#[actor]
pub struct Counter {
    pub total: u32,
}

impl Actor for Counter { type Message = (); type Reply = (); }

#[actor]
impl Counter {}

fn main() {
    let proxy = Counter { total: 0 }.start().proxy().unwrap();
    proxy.limit();
}
