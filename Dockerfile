# The RankDistill host image: one image runs `serve` (dashboard, watcher, default-queue worker) and
# `worker --queues gpu`; the Container App chooses the sub-command (see infra/bicep).
#
#   CPU (serve):        docker build --platform linux/amd64 -t rankdistill:cpu .
#   CUDA (GPU workers): docker build --platform linux/amd64 --build-arg TORCH_BACKEND=cuda -t rankdistill:cuda .
#
# linux/amd64 only: TorchSharp ships linux-x64 natives (Directory.Build.props pins x64).

# cpu: TorchSharp-cpu (libtorch CPU). cuda: TorchSharp-cuda-linux (libtorch with the CUDA 12 runtime,
# cuBLAS and cuDNN bundled), selected by -p:TorchBackend in src/Models/RankDistill.Models.csproj.
ARG TORCH_BACKEND=cpu

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
ARG TORCH_BACKEND
WORKDIR /src

# Restore first, from the project files only, so the libtorch download (GBs for cuda) stays in a
# cached layer while sources change. Add a line here for each new project under src/.
COPY global.json Directory.Build.props Directory.Build.targets Directory.Packages.props .editorconfig ./
COPY build/ build/
COPY src/TaskHub/RankDistill.TaskHub.csproj src/TaskHub/
COPY src/Models/RankDistill.Models.csproj src/Models/
COPY src/Activities/RankDistill.Activities.csproj src/Activities/
COPY src/Workflows/RankDistill.Workflows.csproj src/Workflows/
RUN dotnet restore src/Workflows/RankDistill.Workflows.csproj -r linux-x64 -p:TorchBackend=${TORCH_BACKEND}

COPY src/ src/
# -r linux-x64 keeps only the Linux natives (libtorch for other OSes would add hundreds of MB).
# Publish also runs build/TorchSharpGlibcxx.targets on the output, so libLibTorchSharp.so loads on
# any glibc, whatever libstdc++ the runtime image has.
RUN dotnet publish src/Workflows/RankDistill.Workflows.csproj -c Release -r linux-x64 --self-contained false \
      --no-restore -p:TorchBackend=${TORCH_BACKEND} -p:UseAppHost=false -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
ARG TORCH_BACKEND
LABEL org.opencontainers.image.title="rankdistill" \
      org.opencontainers.image.description="RankDistill host (TorchBackend=${TORCH_BACKEND})"

# GPU: the image carries no NVIDIA driver and needs none of the CUDA toolkit. On a Container Apps GPU
# workload profile the NVIDIA container runtime mounts the driver (libcuda.so, nvidia-smi) into the
# container; these two variables tell it to expose every GPU with compute capability. The CUDA
# user-space libraries come with TorchSharp-cuda-linux in /app. Ignored on hosts without a GPU.
ENV NVIDIA_VISIBLE_DEVICES=all \
    NVIDIA_DRIVER_CAPABILITIES=compute,utility

WORKDIR /app
# Owned by root and read-only to the app user: the process cannot alter its own code.
COPY --from=build /app ./

# The non-root user that the .NET images define (UID 1654).
USER $APP_UID
# The dashboard (serve); the Container App's ingress targets it.
EXPOSE 8080
ENTRYPOINT ["dotnet", "RankDistill.Workflows.dll"]
CMD ["serve"]
