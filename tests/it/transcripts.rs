//! Transcript tests of batch scripts: `tests/cmd/*.toml` with their stdin, stdout and stderr.

#[test]
fn batch_transcripts() {
    trycmd::TestCases::new().case("tests/cmd/*.toml");
}
