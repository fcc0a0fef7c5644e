use pykka::{actor, Actor};

#[actor]
pub struct Player;

impl Actor for Player { type Message = (); type Reply = (); }

#[actor]
impl Player {
    pub fn self_(&self) {}
}

fn main() {}
