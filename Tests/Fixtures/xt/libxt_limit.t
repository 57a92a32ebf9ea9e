# iptables-nft writes these as native limit expressions; iptables-legacy keeps the xt match.
:INPUT,FORWARD,OUTPUT
-m limit --limit 5/sec;=;OK
-m limit --limit 10/min --limit-burst 20;=;OK
-m limit --limit 1/hour;=;OK
-m limit --limit 2/hour --limit-burst 1;=;OK
-m limit --limit 7/s;-m limit --limit 7/sec;OK
-m limit --limit 1000/sec;=;OK
