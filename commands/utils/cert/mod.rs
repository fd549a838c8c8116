//! `utils cert` menu: the CA certificates this node trusts (`<state>/trust/`, the VOS
//! `tomcat-trust` equivalent).

use clap::Subcommand;

use crate::context::Ctx;
use crate::errors::CmdResult;

pub mod import;
pub mod list;

#[derive(Debug, Subcommand)]
pub enum CertCommands {
    Import(import::UtilsCertImportArgs),
    List(list::UtilsCertListArgs),
}

impl CertCommands {
    pub fn changes_state(&self) -> bool {
        matches!(self, CertCommands::Import(_))
    }
}

pub fn run(ctx: &mut Ctx, cmd: CertCommands) -> CmdResult {
    match cmd {
        CertCommands::Import(a) => import::cmd_utils_cert_import(ctx, a),
        CertCommands::List(a) => list::cmd_utils_cert_list(ctx, a),
    }
}
