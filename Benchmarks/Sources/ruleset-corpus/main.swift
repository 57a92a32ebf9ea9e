import RulesetCorpus
#if canImport(Glibc)
import Glibc
#endif

// Prints a generated kube-proxy ruleset for run-ruleset.sh: `ruleset-corpus iptables|nft SERVICES`.
let arguments = CommandLine.arguments
guard arguments.count == 3, let services = Int(arguments[2]), ["iptables", "nft"].contains(arguments[1]) else {
    print("usage: ruleset-corpus iptables|nft SERVICES")
    exit(2)
}
print(arguments[1] == "nft" ? KubeProxyNFTCorpus.generate(services: services)
                            : KubeProxyIptablesCorpus.generate(services: services), terminator: "")
