use pykka::{actor, Actor};

#[actor]
pub struct Player {
    pub defer: bool,
    pub clone: u8,
}

impl Actor for Player { type Message = (); type Reply = (); }

#[actor]
impl Player {}

fn main() {}
