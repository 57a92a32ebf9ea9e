:INPUT,FORWARD,OUTPUT
-j LOG;=;OK
-j LOG --log-prefix "DROP: ";=;OK
-j LOG --log-prefix KUBE --log-level 7;=;OK
-j LOG --log-level 4;-j LOG;OK
-j LOG --log-tcp-sequence --log-tcp-options --log-ip-options --log-uid --log-macdecode;=;OK
-j LOG --log-level alert;-j LOG --log-level 1;OK
