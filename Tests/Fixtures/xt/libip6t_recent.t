:INPUT,FORWARD,OUTPUT
-m recent --set --name KUBE-SEP-V6 --mask ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff --rsource;=;OK
-m recent --rcheck --seconds 10800 --reap --name KUBE-SEP-V6 --mask ffff:ffff:ffff:ffff:: --rsource;=;OK
