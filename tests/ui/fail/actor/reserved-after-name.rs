use pykka::{actor, Actor};

#[actor]
pub struct Player;

impl Actor for Player { type Message = (); type Reply = (); }

#[actor]
impl Player {
    pub fn after(&self, _seconds: u64) {}
}

fn main() {}
