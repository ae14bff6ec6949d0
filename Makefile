# Local Kubernetes workflow (Minikube + skaffold) and the offline validation CI runs.
# `make help` lists the targets.

SHELL := /bin/bash
.DEFAULT_GOAL := help

IMAGE ?= llm-gateway:dev
MINIKUBE_PROFILE ?= minikube
MINIKUBE_CPUS ?= 4
MINIKUBE_MEMORY ?= 8g
MINIKUBE_DISK ?= 30g
SKAFFOLD_PROFILE ?= dev

.PHONY: help
help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[36m%-16s\033[0m %s\n", $$1, $$2}'

.PHONY: minikube-start
minikube-start: ## Start Minikube sized for the CPU-only Ollama (4 CPUs, 8 GiB) with metrics-server
	minikube start --profile $(MINIKUBE_PROFILE) --cpus $(MINIKUBE_CPUS) --memory $(MINIKUBE_MEMORY) \
		--disk-size $(MINIKUBE_DISK) --addons metrics-server

.PHONY: minikube-stop
minikube-stop: ## Stop Minikube (the model volume survives; `minikube delete` removes it)
	minikube stop --profile $(MINIKUBE_PROFILE)

.PHONY: image
image: ## Build the gateway image inside Minikube as $(IMAGE) (what deploy/overlays/dev runs)
	minikube image build --profile $(MINIKUBE_PROFILE) -t $(IMAGE) -f Dockerfile .

.PHONY: namespace
namespace: ## Create the Namespace (and with REDIS_SECRET=1 the Redis password Secret); no teardown deletes them
	deploy/scripts/prepare-namespace.sh $(if $(REDIS_SECRET),--with-redis-secret)

.PHONY: skaffold
skaffold: ## skaffold dev: build, deploy to Minikube, port-forward localhost:8080 (SKAFFOLD_PROFILE=dev|prod|gpu)
	skaffold dev --profile $(SKAFFOLD_PROFILE)

.PHONY: crd-schemas
crd-schemas: ## Rewrite deploy/schemas from upstream CRD files (GATEWAY_API_CRDS=..., KEDA_CRD=...)
	node deploy/scripts/crd-schema.mjs deploy/schemas/gateway.networking.k8s.io_v1.json \
		"Gateway API v1.6.1 (standard channel, config/crd/standard)" $(GATEWAY_API_CRDS)
	node deploy/scripts/crd-schema.mjs deploy/schemas/keda.sh_v1alpha1.json \
		"KEDA v2.20.2 (config/crd/bases/keda.sh_scaledobjects.yaml)" $(KEDA_CRD)
	npx prettier --write deploy/schemas/

.PHONY: render
render: ## Print the manifests of an overlay (OVERLAY=dev|prod|prod-gpu)
	kubectl kustomize deploy/overlays/$(or $(OVERLAY),dev)

.PHONY: prometheusrule
prometheusrule: ## Regenerate the PrometheusRule from deploy/monitoring/alerts.rules.yml
	node deploy/scripts/gen-prometheusrule.mjs

.PHONY: base-image
base-image: ## Build the Dockerfile's Node base image locally (no registry needed)
	deploy/scripts/build-base-image.sh

.PHONY: image-test
image-test: ## Build the image with podman and check user, /health, HEALTHCHECK, SIGTERM
	deploy/scripts/image-test.sh

.PHONY: validate
validate: ## Render, schema- and policy-check every overlay, promtool, live /metrics, image checks
	deploy/scripts/validate.sh
