# truesplit completion for bash: source <(truesplit completion bash)
_truesplit() {
  local cur="${COMP_WORDS[COMP_CWORD]}"
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=( $(compgen -W "abort analyze completion controller create dashboard get lint list pause promote restart resume retry sandbox set simulate status terminate undo version" -- "$cur") )
  elif [ "$COMP_CWORD" -eq 2 ]; then
    case "${COMP_WORDS[1]}" in
      completion) COMPREPLY=( $(compgen -W "bash zsh fish" -- "$cur") ) ;;
      create) COMPREPLY=( $(compgen -W "analysisrun" -- "$cur") ) ;;
      terminate) COMPREPLY=( $(compgen -W "analysisrun experiment" -- "$cur") ) ;;
      *) COMPREPLY=( $(compgen -f -- "$cur") ) ;;
    esac
  else
    COMPREPLY=( $(compgen -f -- "$cur") )
  fi
}
complete -o default -F _truesplit truesplit
