:INPUT,FORWARD,OUTPUT
-m statistic --mode random --probability 0.33333333349;=;OK
-m statistic --mode random --probability 0.5;-m statistic --mode random --probability 0.50000000000;OK
-m statistic --mode random ! --probability 0.25;-m statistic --mode random ! --probability 0.25000000000;OK
-m statistic --mode random --probability 1;-m statistic --mode random --probability 1.00000000000;OK
-m statistic --mode random --probability 0.0001;-m statistic --mode random --probability 0.00009999983;OK
-m statistic --mode nth --every 3 --packet 1;=;OK
-m statistic --mode nth --every 3 --packet 0;=;OK
-m statistic --mode nth ! --every 5 --packet 2;=;OK
