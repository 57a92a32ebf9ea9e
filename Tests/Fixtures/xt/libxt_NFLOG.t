:INPUT,FORWARD,OUTPUT
-j NFLOG;=;OK
-j NFLOG --nflog-group 100 --nflog-prefix "calico-drop";-j NFLOG --nflog-prefix calico-drop --nflog-group 100;OK
-j NFLOG --nflog-size 128 --nflog-threshold 10;=;OK
