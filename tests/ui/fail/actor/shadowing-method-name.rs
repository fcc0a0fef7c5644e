use pykka::{actor, Actor};

#[actor]
pub struct Player;

impl Actor for Player { type Message = (); type Reply = (); }

#[actor]
impl Player {
    pub fn clone(&self) -> u32 { 1 }
    pub fn eq(&self, other: u32) -> bool { other == 1 }
    pub fn hash(&self) {}
    pub fn fmt(&self) {}
}

fn main() {}
