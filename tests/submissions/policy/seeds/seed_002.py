"""Code blocks of the seed tutorial 002_59456ecaaf891e96.txt, "Advanced Techniques in Deep Learning", as the policy's precision corpus.

Extracted by make_seed_corpus.py; one `# %%` cell per block, in the page's order.
"""


# %%
import torch.optim as optim

optimizer = optim.SGD(
    model.parameters(), lr=0.001
)
loss = loss_fn(model(input), target)
optimizer.zero_grad()
loss.backward()
optimizer.step()


# %%
import torch.optim as optim

optimizer = optim.SGD(
    model.parameters(), lr=0.001, momentum=0.9
)
loss = loss_fn(model(input), target)
optimizer.zero_grad()
loss.backward()
optimizer.step()


# %%
import torch.optim as optim


# %%
optimizer = optim.Adagrad(  
    model.parameters(), lr=0.001  
)  
loss = loss_fn(model(input), target)  
optimizer.zero_grad()  
loss.backward()  
optimizer.step()


# %%
import torch.optim as optim


# %%
optimizer = optim.RMSProp(  
    model.parameters(), lr=0.001, alpha=0.99  
)  
loss = loss_fn(model(input), target)  
optimizer.zero_grad()  
loss.backward()  
optimizer.step()


# %%
import torch.optim as optim

 
optimizer = optim.Adam(
    model.parameters(),
    lr=0.001,
    betas=(0.9, 0.999)
)

loss = loss_fn(model(input), target)
optimizer.zero_grad()
loss.backward()
optimizer.step()


# %%
import argparse
def get_parser():
    ...
    parser.add_argument(
        "-o", "--optimizer", type=int, default=0,
        help="Optimizers (0: SGD, 1: Momentum, 2: RMSProp, 4: Adam, default: 0)"
    )
    parser.add_argument(
        "-w", "--weight_decay", type=float, default=0.0, help="Weight decay (float, default: 0.0)"
    )
    parser.add_argument(
        "--dropout", action=argparse.BooleanOptionalAction, default=False, help="Dropout: True or False"
    )
    parser.add_argument(
        "-n", "--normalization", type=int, default=0,
        help="Normalization (0: No Normalization, 1: BatchNorm, 2: LayerNorm, default: 0)"
    )
    return parser


# %%
import torch
from torch import optim
from datetime import datetime
import os
import wandb
from pathlib import Path

BASE_PATH = str(Path(__file__).resolve().parent.parent.parent) # BASE_PATH: /Users/yhhan/git/link_dl
import sys
sys.path.append(BASE_PATH)

CURRENT_FILE_PATH = os.path.dirname(os.path.abspath(__file__))
CHECKPOINT_FILE_PATH = os.path.join(CURRENT_FILE_PATH, "checkpoints")
if not os.path.isdir(CHECKPOINT_FILE_PATH):
    os.makedirs(os.path.join(CURRENT_FILE_PATH, "checkpoints"))

import sys
sys.path.append(BASE_PATH)


# %%
from _01_code._06_fcn_best_practice.c_trainer import ClassificationTrainer
from _01_code._06_fcn_best_practice.h_cifar10_train_fcn import get_cifar10_data
from _01_code._07_cnn.c_cifar10_train_cnn import get_cnn_model
from _01_code._08_diverse_techniques.a_arg_parser import get_parser

def main(args):
    config = {
        'epochs': args.epochs,
        'batch_size': args.batch_size,
        'validation_intervals': args.validation_intervals,
        'print_epochs': args.print_epochs,
        'learning_rate': args.learning_rate,
        'early_stop_patience': args.early_stop_patience
    }

    optimizer_names = ["SGD", "Momentum", "RMSProp", "Adam"]
    run_time_str = datetime.now().astimezone().strftime('%Y-%m-%d_%H-%M-%S')
    name = "{0}_{1}".format(optimizer_names[args.optimizer], run_time_str)


# %%
def main(args):
    ...

    project_name = "cnn_cifar10_with_diverse_optimizers"
    wandb.init(
        mode="online" if args.wandb else "disabled",
        project=project_name,
        notes="cifar10 experiment with cnn and diverse optimizers",
        tags=["cnn", "cifar10", "diverse_optimizers"],
        name=name,
        config=config
    )
    device = torch.device("cuda:0" if torch.cuda.is_available() else "cpu")

    train_data_loader, validation_data_loader, cifar10_transforms = get_cifar10_data(flatten=False)
    model = get_cnn_model()
    model.to(device)
    wandb.watch(model)


# %%
optimizers = [  
    optim.SGD(model.parameters(), lr=wandb.config.learning_rate),  
    optim.SGD(model.parameters(), lr=wandb.config.learning_rate, momentum=0.9),  
    optim.RMSprop(model.parameters(), lr=wandb.config.learning_rate),  
    optim.Adam(model.parameters(), lr=wandb.config.learning_rate)  
]  
print("Optimizer:", optimizers[args.optimizer])


# %%
classification_trainer = ClassificationTrainerNoEarlyStopping(  
    project_name, model, optimizers[args.optimizer], train_data_loader, validation_data_loader,  
    mnist_transforms, run_time_str, wandb, device, CHECKPOINT_FILE_PATH  
)  
classification_trainer.train_loop()  
wandb.finish()


# %%
if __name__ == "__main__":  
    parser = get_parser()  
    args = parser.parse_args()  
    main(args)


# %%
import torch.optim as optim
optimizer = optim.SGD(
    model.parameters(), lr=0.001,
    weight_decay=0.001
)


# %%
import torch.optim as optim
optimizer = optim.SGD(
    model.parameters(), lr=0.001, momentum=0.9,
    weight_decay=0.001
)


# %%
import torch.optim as optim
optimizer = optim.Adagrad(
    model.parameters(), lr=0.001 ,
    weight_decay=0.001
)


# %%
import torch.optim as optim
optimizer = optim.RMSProp(
    model.parameters(), lr=0.001, alpha=0.99 ,
    weight_decay=0.001
)


# %%
import torch.optim as optim
optimizer = optim.Adam(
    model.parameters(), lr=0.001,
    betas=(0.9, 0.999), weight_decay=0.001
)


# %%
import torch
from torch import optim
from datetime import datetime
import os
import wandb
from pathlib import Path

BASE_PATH = str(Path(__file__).resolve().parent.parent.parent) # BASE_PATH: /Users/yhhan/git/link_dl
import sys
sys.path.append(BASE_PATH)

CURRENT_FILE_PATH = os.path.dirname(os.path.abspath(__file__))
CHECKPOINT_FILE_PATH = os.path.join(CURRENT_FILE_PATH, "checkpoints")
if not os.path.isdir(CHECKPOINT_FILE_PATH):
    os.makedirs(os.path.join(CURRENT_FILE_PATH, "checkpoints"))

import sys
sys.path.append(BASE_PATH)


# %%
from _01_code._06_fcn_best_practice.c_trainer import ClassificationTrainer
from _01_code._06_fcn_best_practice.h_cifar10_train_fcn import get_cifar10_data
from _01_code._07_cnn.c_cifar10_train_cnn import get_cnn_model
from _01_code._08_diverse_techniques.a_arg_parser import get_parser


# %%
def main(args):  
    ...  
  
    project_name = "cnn_cifar10_with_weight_decay"  
    wandb.init(  
        mode="online" if args.wandb else "disabled",  
        project=project_name,  
        notes="cifar10 experiment with cnn and weight_decay",  
        tags=["cnn", "cifar10", "weight_decay"],  
        name=name,  
        config=config  
    )  
  
    device = torch.device("cuda:0" if torch.cuda.is_available() else "cpu")  
    train_data_loader, validation_data_loader, cifar10_transforms = get_cifar10_data(flatten=False)  
    model = get_cnn_model()  
    model.to(device)  
    wandb.watch(model)


# %%
def main(args):  
    ...  
    optimizer = optim.Adam(  
        model.parameters(), lr=wandb.config.learning_rate, weight_decay=args.weight_decay  
    )  
    classification_trainer = ClassificationTrainer(  
        project_name, model, optimizer,  
        train_data_loader, validation_data_loader, cifar10_transforms,  
        run_time_str, wandb, device, CHECKPOINT_FILE_PATH  
    )  
    classification_trainer.train_loop()  
    wandb.finish()  
  
if __name__ == "__main__":  
    parser = get_parser()  
    args = parser.parse_args()  
    main(args)


# %%
import torch
from torch import nn

class MyLinearWithActivationAndDropout(nn.Module):
    def __init__(self, in_features, out_features):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(out_features, in_features))
        self.bias = nn.Parameter(torch.randn(out_features))
        self.activation = nn.Sigmoid()
        self.drop_prob = 0.3

    def forward(self, input, is_train):
        z = input @ self.weight.t() + self.bias
        a = self.activation(z)
        if is_train:  # dropout only if model is trained
            a_masked, a_masked_and_scaled = self.dropout(a)
            return a_masked, a_masked_and_scaled
        else:
            return a


# %%
class MyLinearWithActivationAndDropout(nn.Module):
    ...
    def dropout(self, a):
        ...
        # Step 1: initialize matrix r, where its shape is same as the above a tensor
        r = torch.rand_like(a)

        # Step 2: convert entries of D1 to 0 or 1 (using keep_prob as the threshold)
        mask = (r < self.drop_prob).to(torch.int)
        print(mask, "!!!")
        # >>> tensor([[1, 0, 0, 0, 1, 0, 0],
        # >>>          [0, 0, 0, 0, 0, 0, 0],
        # >>>          [0, 1, 1, 1, 1, 0, 0]], dtype=torch.int32) !!!

        # Step 3: shut down some neurons of A1
        masked_a = mask * a

        # Step 4: scale the value of neurons that haven't been shut down
        a_masked_and_scaled = a_masked / (1 - self.drop_prob) # It is called 'Inverted Dropout'
        return a_masked, a_masked_and_scaled


# %%
if __name__ == "__main__":
    my_linear = MyLinearWithActivationAndDropout(in_features=4, out_features=10)

    batch_input = torch.randn(3, 4)
    batch_output, batch_input_scaled = my_linear(batch_input)

 
    print("input.shape:", batch_input.shape)                # >>> torch.Size([3, 4])
    print("output.shape:", batch_output.shape)               # >>> torch.Size([3, 7])
    print(batch_output, torch.sum(batch_output, dim=0))
    # >>> tensor([[0.0072, 0.0000, 0.0000, 0.0000, 0.1074, 0.0000, 0.0000],
    # >>>          [0.0000, 0.0000, 0.0000, 0.0000, 0.0000, 0.0000, 0.0000],
    # >>>          [0.0000, 0.9088, 0.7807, 0.5589, 0.5824, 0.0000, 0.0000]], grad_fn=<MulBackward0>)
    # >>> tensor([0.0072, 0.9088, 0.7807, 0.5589, 0.6898, 0.0000, 0.0000], grad_fn=<SumBackward1>)
    print(batch_input_scaled, torch.sum(batch_input_scaled, dim=0))
    # >>> tensor([[0.0103, 0.0000, 0.0000, 0.0000, 0.1534, 0.0000, 0.0000],
    # >>>          [0.0000, 0.0000, 0.0000, 0.0000, 0.0000, 0.0000, 0.0000],
    # >>>          [0.0000, 1.2983, 1.1152, 0.7984, 0.8320, 0.0000, 0.0000]], grad_fn=<DivBackward0>)
    # >>> tensor([0.0103, 1.2983, 1.1152, 0.7984, 0.9854, 0.0000, 0.0000], grad_fn=<SumBackward1>)


# %%
import torch
from torch import optim, nn
from datetime import datetime
import os
import wandb
from pathlib import Path

BASE_PATH = str(Path(__file__).resolve().parent.parent.parent) # BASE_PATH: /Users/yhhan/git/link_dl
import sys
sys.path.append(BASE_PATH)

CURRENT_FILE_PATH = os.path.dirname(os.path.abspath(__file__))
CHECKPOINT_FILE_PATH = os.path.join(CURRENT_FILE_PATH, "checkpoints")
if not os.path.isdir(CHECKPOINT_FILE_PATH):
    os.makedirs(os.path.join(CURRENT_FILE_PATH, "checkpoints"))

import sys
sys.path.append(BASE_PATH)


# %%
from _01_code._06_fcn_best_practice.c_trainer import ClassificationTrainer
from _01_code._06_fcn_best_practice.h_cifar10_train_fcn import get_cifar10_data
from _01_code._07_cnn.c_cifar10_train_cnn import get_cnn_model
from _01_code._08_diverse_techniques.a_arg_parser import get_parser


# %%
def get_cnn_model_with_dropout():  
    class MyModel(nn.Module):  
        ...  
        ...  
  
        def forward(self, x):  
            x = self.model(x)  
            return x  
  
    # 3 * 32 * 32  
    my_model = MyModel(in_channels=3, n_output=10)  
  
    return my_model


# %%
class ClassificationTrainer:
    def __init__(
        self, project_name, model, optimizer, train_data_loader, validation_data_loader, transforms,
        run_time_str, wandb, device, checkpoint_file_path
    ):
        ...
        self.model = model
        ...

    def do_train(self):
        self.model.train()
        ...
        return train_loss, train_accuracy

    def do_validation(self):
        self.model.eval()
        ...
        return validation_loss, validation_accuracy


# %%
def main(args):
    ...
    if args.dropout:
        model = get_cnn_model_with_dropout()
    else:
        model = get_cnn_model()

    model.to(device)
    wandb.watch(model)
    optimizer = optim.Adam(
        model.parameters(), lr=wandb.config.learning_rate, weight_decay=args.weight_decay
    )
    ...

if __name__ == "__main__":
    parser = get_parser()
    args = parser.parse_args()
    main(args)
