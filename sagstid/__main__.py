from sagstid.cli import main

main()
