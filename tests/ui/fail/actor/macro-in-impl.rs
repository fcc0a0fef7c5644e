use pykka::{actor, Actor};

#[actor]
pub struct Player;

impl Actor for Player { type Message = (); type Reply = (); }

macro_rules! getter {
    ($name:ident) => { pub fn $name(&self) -> u32 { 1 } };
}

#[actor]
impl Player {
    getter!(level);
}

fn main() {}
