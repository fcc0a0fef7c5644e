use pykka::{actor, Actor};

#[actor]
pub struct Player;

impl Actor for Player { type Message = (); type Reply = (); }

#[actor]
impl Player {
    pub(crate) fn helper(&self, name: &str) -> usize { name.len() }
}

fn main() {}
