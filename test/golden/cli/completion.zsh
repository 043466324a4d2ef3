#compdef truesplit
# truesplit completion for zsh: source <(truesplit completion zsh)
_truesplit() {
  if (( CURRENT == 2 )); then
    compadd -- abort analyze completion controller dashboard get lint list pause promote restart resume retry sandbox set simulate status undo version
  else
    _files
  fi
}
compdef _truesplit truesplit
