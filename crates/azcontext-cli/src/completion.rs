//! `azctx completion SHELL`: clap's completion script for the subcommands and options, followed by
//! the shell's own code that completes context names (from `azctx list --names`) where a command takes
//! an existing context's name.

use clap::{CommandFactory, ValueEnum};

/// The shells azctx writes completion scripts for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
    Powershell,
}

/// The subcommands whose first argument is an existing context's name.
const NAME_COMMANDS: &[&str] = &["select", "use", "show", "rename", "remove"];

/// azctx's command as users see it: clap_complete 4.0 completes hidden subcommands too, and clap 4.0
/// cannot remove one, so the command is rebuilt from the visible subcommands (the test helpers that
/// the project's own tests run are hidden).
fn visible_command() -> clap::Command {
    let full = crate::Cli::command();
    let mut cmd = clap::Command::new("azctx")
        .version(env!("CARGO_PKG_VERSION"))
        .args(full.get_arguments().cloned())
        .subcommands(full.get_subcommands().filter(|c| !c.is_hide_set()).cloned());
    if let Some(a) = full.get_about() {
        cmd = cmd.about(a.clone());
    }
    cmd
}

/// The whole script for `shell`.
pub fn script(shell: Shell) -> String {
    let mut buf = Vec::new();
    let mut cmd = visible_command();
    match shell {
        Shell::Bash => {
            clap_complete::generate(clap_complete::Shell::Bash, &mut cmd, "azctx", &mut buf)
        }
        Shell::Zsh => {
            clap_complete::generate(clap_complete::Shell::Zsh, &mut cmd, "azctx", &mut buf)
        }
        Shell::Fish => {
            clap_complete::generate(clap_complete::Shell::Fish, &mut cmd, "azctx", &mut buf)
        }
        Shell::Powershell => clap_complete::generate(
            clap_complete::Shell::PowerShell,
            &mut cmd,
            "azctx",
            &mut buf,
        ),
    }
    let clap_script = String::from_utf8(buf).expect("clap writes UTF-8");
    let commands = NAME_COMMANDS.join(" ");
    match shell {
        Shell::Bash => format!(
            "{clap_script}
# Context names: after clap's completion, the first argument of {commands} is a stored name.
_azctx_with_names() {{
    _azctx \"$@\"
    local cur=\"${{COMP_WORDS[COMP_CWORD]}}\"
    if [[ ${{COMP_CWORD}} -eq 2 && \" {commands} \" == *\" ${{COMP_WORDS[1]}} \"* && \"$cur\" != -* ]]; then
        local IFS=$'\\n'
        # Names hold spaces and parentheses: readline quotes them as it quotes file names.
        compopt -o filenames 2>/dev/null
        COMPREPLY=($(compgen -W \"$(azctx list --names 2>/dev/null)\" -- \"$cur\"))
    fi
}}
complete -F _azctx_with_names -o bashdefault -o default azctx
"
        ),
        Shell::Zsh => {
            // clap describes a positional as ':name -- help:' (no action): give the context names.
            let s: String = clap_script
                .lines()
                .map(|line| {
                    let names_arg = ["':name -- ", "'::name -- ", "':old -- "]
                        .iter()
                        .any(|p| line.starts_with(p));
                    match line.strip_suffix(":' \\") {
                        Some(head) if names_arg => format!("{head}:_azctx_context_names' \\\n"),
                        _ => format!("{line}\n"),
                    }
                })
                .collect();
            let helper = "
_azctx_context_names() {
    local -a names
    names=(${(f)\"$(azctx list --names 2>/dev/null)\"})
    compadd -a names
}
";
            // The helper must exist before zsh runs the script's last line (the call to _azctx).
            match s.rfind("\n_azctx") {
                Some(i) if s[i..].contains("\"$@\"") => {
                    let (head, tail) = s.split_at(i);
                    format!("{head}\n{helper}{tail}")
                }
                _ => format!("{s}{helper}"),
            }
        }
        Shell::Fish => format!(
            "{clap_script}
# Context names for the first argument of {commands}.
complete -c azctx -n '__fish_seen_subcommand_from {commands}; and test (count (commandline -opc)) -eq 2' -f -a '(azctx list --names 2>/dev/null)'
"
        ),
        Shell::Powershell => {
            // clap's completer becomes a script block that ours calls for everything but names.
            let s = clap_script.replacen(
                "Register-ArgumentCompleter -Native -CommandName 'azctx' -ScriptBlock {",
                "$script:AzctxClapCompleter = {",
                1,
            );
            format!(
                "{s}
# Context names for the first argument of {commands}; clap's completer for everything else.
Register-ArgumentCompleter -Native -CommandName 'azctx' -ScriptBlock {{
    param($wordToComplete, $commandAst, $cursorPosition)
    $words = @($commandAst.CommandElements | ForEach-Object {{ $_.ToString() }})
    $position = if ($wordToComplete) {{ $words.Count - 1 }} else {{ $words.Count }}
    if ($position -eq 2 -and @('{}') -contains $words[1] -and -not $wordToComplete.StartsWith('-')) {{
        azctx list --names 2>$null | Where-Object {{ $_ -like \"$wordToComplete*\" }} | ForEach-Object {{
            $text = if ($_ -match '[\\s''\"`$;,(){{}}|&<>@#]') {{ \"'\" + $_.Replace(\"'\", \"''\") + \"'\" }} else {{ $_ }}
            [System.Management.Automation.CompletionResult]::new($text, $_, 'ParameterValue', $_)
        }}
        return
    }}
    & $script:AzctxClapCompleter $wordToComplete $commandAst $cursorPosition
}}
",
                NAME_COMMANDS.join("', '")
            )
        }
    }
}
