use pykka::traversable;

#[traversable]
pub struct Playback {
    pub volume: u8,
}

impl Playback {
    pub fn play(&self) {}
}

fn main() {}
