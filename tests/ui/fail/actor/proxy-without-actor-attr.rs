use pykka::Actor;

pub struct Counter {
    pub total: u32,
}

impl Actor for Counter { type Message = (); type Reply = (); }

fn main() {
    let actor_ref = Counter { total: 0 }.start();
    let proxy = actor_ref.proxy();
}
