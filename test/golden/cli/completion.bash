# truesplit completion for bash: source <(truesplit completion bash)
_truesplit() {
  local cur="${COMP_WORDS[COMP_CWORD]}"
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=( $(compgen -W "abort analyze completion controller dashboard get lint list pause promote restart resume retry sandbox set simulate status undo version" -- "$cur") )
  else
    COMPREPLY=( $(compgen -f -- "$cur") )
  fi
}
complete -o default -F _truesplit truesplit
