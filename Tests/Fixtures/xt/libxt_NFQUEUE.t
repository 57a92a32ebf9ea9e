:INPUT,FORWARD,OUTPUT
-j NFQUEUE --queue-num 0;=;OK
-j NFQUEUE --queue-num 5;=;OK
-j NFQUEUE --queue-balance 2:5;=;OK
-j NFQUEUE --queue-num 1 --queue-bypass;=;OK
-j NFQUEUE --queue-balance 0:3 --queue-bypass --queue-cpu-fanout;=;OK
