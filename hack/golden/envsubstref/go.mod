module capictl.local/hack/golden/envsubstref

go 1.25.0

require sigs.k8s.io/cluster-api v1.13.5

require github.com/drone/envsubst/v2 v2.0.0-20210730161058-179042472c46 // indirect
