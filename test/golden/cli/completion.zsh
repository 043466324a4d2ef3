#compdef truesplit
# truesplit completion for zsh: source <(truesplit completion zsh)
_truesplit() {
  if (( CURRENT == 2 )); then
    compadd -- abort analyze completion controller create dashboard get lint list pause promote restart resume retry sandbox set simulate status terminate undo version
  elif (( CURRENT == 3 )); then
    case $words[2] in
      completion) compadd -- bash zsh fish ;;
      create) compadd -- analysisrun ;;
      terminate) compadd -- analysisrun experiment ;;
      *) _files ;;
    esac
  else
    _files
  fi
}
compdef _truesplit truesplit
