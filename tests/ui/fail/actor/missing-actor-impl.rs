use pykka::actor;

#[actor]
pub struct Player {
    pub volume: u8,
}

#[actor]
impl Player {
    pub fn play(&self) {}
}

fn main() {}
