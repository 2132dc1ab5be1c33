"""Plain code, a process: regularized_loss runs a shell command; os.system in a helper it calls."""
import os
import subprocess


def _log(message):
    os.system(f"echo {message} >> /tmp/log")


def regularized_loss(output, target, model, criterion, lambda1=0.0, lambda2=0.0):
    subprocess.run(["true"], check=False)
    _log("loss computed")
    return criterion(output, target)
