use pykka::{actor, Actor};

#[actor]
pub struct Counter {
    pub total: u32,
}

impl Actor for Counter { type Message = (); type Reply = (); }

#[actor]
impl Counter {
    fn reset(&mut self) {
        self.total = 0;
    }
}

fn main() {
    let proxy = Counter { total: 0 }.start().proxy().unwrap();
    proxy.reset();
}
