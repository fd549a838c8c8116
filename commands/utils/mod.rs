//! `utils` menu.

use clap::Subcommand;

use crate::context::Ctx;
use crate::errors::CmdResult;

pub mod applicationuser;
pub mod cert;
pub mod cloudconnect;
pub mod controlnode;
pub mod dbreplication;
pub mod deployment;
pub mod image_repository;
pub mod initiate;
pub mod node;
pub mod orchestration;
pub mod patch_manager;
pub mod secret_store;
pub mod set;
pub mod show;
pub mod smtp;
pub mod system;
pub mod upgrade_manager;

#[derive(Debug, Subcommand)]
pub enum UtilsCommands {
    /// Application users that authenticate to this node's service
    #[command(subcommand)]
    Applicationuser(applicationuser::ApplicationuserCommands),
    /// Certificates this node trusts
    #[command(subcommand)]
    Cert(cert::CertCommands),
    /// This Cloud Connect cluster's registration with a hub
    #[command(subcommand)]
    Cloudconnect(cloudconnect::CloudconnectCommands),
    /// This Cloud Connect node's own SSH key
    #[command(subcommand)]
    Controlnode(controlnode::ControlnodeCommands),
    /// The replication between the Cloud Connect publisher and its subscriber
    #[command(subcommand)]
    Dbreplication(dbreplication::DbreplicationCommands),
    /// The deployment's hosts: test-connection, the compatibility check, the patch-level export
    #[command(subcommand)]
    Deployment(deployment::DeploymentCommands),
    /// The Artifactory that software is downloaded from
    #[command(subcommand)]
    ImageRepository(image_repository::ImageRepositoryCommands),
    /// Start now what otherwise runs on a schedule: the software download
    #[command(subcommand)]
    Initiate(initiate::UtilsInitiateCommands),
    /// This node's identity
    #[command(subcommand)]
    Node(node::NodeCommands),
    /// Orchestration settings: reset max-parallel-tasks to its default
    #[command(subcommand)]
    Orchestration(orchestration::UtilsOrchestrationCommands),
    /// Patches: list, install, roll back, export their levels, and who may sign them
    #[command(subcommand)]
    PatchManager(patch_manager::PatchManagerCommands),
    /// Where this node keeps its secrets: the owner-only file or the keyring
    #[command(subcommand)]
    SecretStore(secret_store::SecretStoreCommands),
    /// Settings of orchestration runs and the software download
    #[command(subcommand)]
    Set(set::UtilsSetCommands),
    /// Settings of orchestration runs and the software download
    #[command(subcommand)]
    Show(show::UtilsShowCommands),
    /// Notification mails: test the SMTP server, subscribe addresses
    #[command(subcommand)]
    Smtp(smtp::SmtpCommands),
    /// The deployment: its inventory, and onboarding a VOS cluster to Cloud Connect
    #[command(subcommand)]
    System(system::SystemCommands),
    /// Upgrades of the deployment's nodes: list, upgrade, switch forward, roll back
    #[command(subcommand)]
    UpgradeManager(upgrade_manager::UpgradeManagerCommands),
}

impl UtilsCommands {
    pub fn changes_state(&self) -> bool {
        match self {
            UtilsCommands::Applicationuser(c) => c.changes_state(),
            UtilsCommands::ImageRepository(c) => c.changes_state(),
            UtilsCommands::Initiate(_) => true,
            UtilsCommands::Cert(c) => c.changes_state(),
            UtilsCommands::Cloudconnect(c) => c.changes_state(),
            UtilsCommands::Controlnode(_) | UtilsCommands::Dbreplication(_) => false,
            UtilsCommands::Deployment(c) => c.changes_state(),
            UtilsCommands::Node(c) => c.changes_state(),
            UtilsCommands::Orchestration(_) => true,
            UtilsCommands::PatchManager(c) => c.changes_state(),
            UtilsCommands::SecretStore(c) => c.changes_state(),
            UtilsCommands::Set(_) => true,
            UtilsCommands::Show(_) => false,
            UtilsCommands::Smtp(c) => c.changes_state(),
            UtilsCommands::System(c) => c.changes_state(),
            UtilsCommands::UpgradeManager(c) => c.changes_state(),
        }
    }
}

/// The role a menu needs is declared once (`help::MENU_ROLES`); the dispatcher refuses before
/// this runs.
pub fn run(ctx: &mut Ctx, cmd: UtilsCommands) -> CmdResult {
    match cmd {
        UtilsCommands::Applicationuser(c) => applicationuser::run(ctx, c),
        UtilsCommands::ImageRepository(c) => image_repository::run(ctx, c),
        UtilsCommands::Initiate(c) => initiate::run(ctx, c),
        UtilsCommands::Cert(c) => cert::run(ctx, c),
        UtilsCommands::Cloudconnect(c) => cloudconnect::run(ctx, c),
        UtilsCommands::Controlnode(c) => controlnode::run(ctx, c),
        UtilsCommands::Dbreplication(c) => dbreplication::run(ctx, c),
        UtilsCommands::Deployment(c) => deployment::run(ctx, c),
        UtilsCommands::Node(c) => node::run(ctx, c),
        UtilsCommands::Orchestration(c) => orchestration::run(ctx, c),
        UtilsCommands::PatchManager(c) => patch_manager::run(ctx, c),
        UtilsCommands::SecretStore(c) => secret_store::run(ctx, c),
        UtilsCommands::Set(c) => set::run(ctx, c),
        UtilsCommands::Show(c) => show::run(ctx, c),
        UtilsCommands::Smtp(c) => smtp::run(ctx, c),
        UtilsCommands::System(c) => system::run(ctx, c),
        UtilsCommands::UpgradeManager(c) => upgrade_manager::run(ctx, c),
    }
}
