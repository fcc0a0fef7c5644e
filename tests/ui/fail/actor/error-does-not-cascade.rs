use pykka::{actor, Actor};

#[actor]
pub struct Counter {
    pub total: u32,
}

impl Actor for Counter { type Message = (); type Reply = (); }

#[actor]
impl Counter {
    pub fn add(&mut self, amount: u32) -> u32 {
        self.total += amount;
        self.total
    }

    pub fn label(&self, prefix: &str) -> String {
        format!("{prefix}{}", self.total)
    }
}

fn main() {
    let proxy = Counter { total: 0 }.start().proxy().unwrap();
    proxy.add(1).get().unwrap();
    proxy.defer().add(2).unwrap();
    proxy.set_total(3).get().unwrap();
    proxy.total().get().unwrap();
}
