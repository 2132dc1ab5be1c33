"""Code blocks of the seed tutorial 003_04aeb678a9a69d50.txt, "Optimization Algorithms", as the policy's precision corpus.

Extracted by make_seed_corpus.py (this page had lost its indentation: re-indented); one `# %%` cell per block, in the page's order.
"""


# %%
def gradient_descent(x, y, theta, alpha, num_iters):
    m = len(y)
    for i in range(num_iters):
        h = np.dot(x, theta)
        loss = h - y
        gradient = np.dot(x.T, loss) / m
        theta -= alpha * gradient
        return theta


# %%
def stochastic_gradient_descent(x, y, theta, alpha, num_epochs, batch_size):
    m = len(y)
    num_batches = m // batch_size
    for epoch in range(num_epochs):
        for batch in range(num_batches):
            start_idx = batch * batch_size
            end_idx = (batch + 1) * batch_size
            batch_x = x[start_idx:end_idx]
            batch_y = y[start_idx:end_idx]
            h = np.dot(batch_x, theta)
            loss = h - batch_y
            gradient = np.dot(batch_x.T, loss) / batch_size
            theta -= alpha * gradient
            return theta
        Adam


# %%
def adam(x, y, theta, alpha, beta1, beta2, eps, num_iters):
    m = len(y)
    v = np.zeros(theta.shape)
    s = np.zeros(theta.shape)
    for i in range(num_iters):
        h = np.dot(x, theta)
        loss = h - y
        gradient = np.dot(x.T, loss) / m
        v = beta1 * v + (1 - beta1) * gradient
        s = beta2 * s + (1 - beta2) * (gradient ** 2)
        v_corrected = v / (1 - beta1 ** (i + 1))
        s_corrected = s / (1 - beta2 ** (i + 1))
        theta -= alpha * v_corrected / (np.sqrt(s_corrected) + eps)
        return theta
    Adagrad


# %%
def adagrad(x, y, theta, alpha, eps, num_iters):
    m = len(y)
    g = np.zeros(theta.shape)
    for i in range(num_iters):
        h = np.dot(x, theta)
        loss = h - y
        gradient = np.dot(x.T, loss) / m
        g += gradient ** 2
        theta -= alpha * gradient / (np.sqrt(g) + eps)
        return theta
    Example


# %%
import torch
from torchvision import datasets, transforms
transform = transforms.Compose([transforms.ToTensor(),
transforms.Normalize((0.5,), (0.5,))])
trainset = datasets.MNIST('~/.pytorch/MNIST_data/', download=True, train=True, transform=transform)
trainloader = torch.utils.data.DataLoader(trainset, batch_size=64, shuffle=True)
testset = datasets.MNIST('~/.pytorch/MNIST_data/', download=True, train=False, transform=transform)
testloader = torch.utils.data.DataLoader(testset, batch_size=64, shuffle=True)


# %%
import torch.nn as nn
import torch.nn.functional as F
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 128)
        self.fc2 = nn.Linear(128, 10)
    def forward(self, x):
        x = x.view(x.shape[0], -1)
        x = F.relu(self.fc1(x))
        x = self.fc2(x)
        return x
    Optimizers


# %%
import torch.optim as optim
net_gd = Net()
criterion = nn.CrossEntropyLoss()
optimizer_gd = optim.SGD(net_gd.parameters(), lr=0.01)
for epoch in range(10):
    running_loss = 0.0
    for i, data in enumerate(trainloader, 0):
        inputs, labels = data
        optimizer_gd.zero_grad()
        outputs = net_gd(inputs)
        loss = criterion(outputs, labels)
        loss.backward()
        optimizer_gd.step()
        running_loss += loss.item()
        print(f"Epoch {epoch+1} - Training loss: {running_loss/len(trainloader)}")


# %%
net_sgd = Net()
criterion = nn.CrossEntropyLoss()
optimizer_sgd = optim.SGD(net_sgd.parameters(), lr=0.01)
for epoch in range(10):
    running_loss = 0.0
    for i, data in enumerate(trainloader, 0):
        inputs, labels = data
        optimizer_sgd.zero_grad()
        outputs = net_sgd(inputs)
        loss = criterion(outputs, labels)
        loss.backward()
        optimizer_sgd.step()
        running_loss += loss.item()
        print(f"Epoch {epoch+1} - Training loss: {running_loss/len(trainloader)}")


# %%
net_adam = Net()
criterion = nn.CrossEntropyLoss()
optimizer_adam = optim.Adam(net_adam.parameters(), lr=0.01)
for epoch in range(10):
    running_loss = 0.0
    for i, data in enumerate(trainloader, 0):
        inputs, labels = data
        optimizer_adam.zero_grad()
        outputs = net_adam(inputs)
        loss = criterion(outputs, labels)
        loss.backward()
        optimizer_adam.step()
        running_loss += loss.item()
        print(f"Epoch {epoch+1} - Training loss: {running_loss/len(trainloader)}")


# %%
net_adagrad = Net()
criterion = nn.CrossEntropyLoss()
optimizer_adagrad = optim.Adagrad(net_adagrad.parameters(), lr=0.01)
for epoch in range(10):
    running_loss = 0.0
    for i, data in enumerate(trainloader, 0):
        inputs, labels = data
        optimizer_adagrad.zero_grad()
        outputs = net_adagrad(inputs)
        loss = criterion(outputs, labels)
        loss.backward()
        optimizer_adagrad.step()
        running_loss += loss.item()
        print(f"Epoch {epoch+1} - Training loss: {running_loss/len(trainloader)}")


# %%
def evaluate(net, dataloader):
    correct = 0
    total = 0
    with torch.no_grad():
        for data in dataloader:
            images, labels = data
            outputs = net(images)
            _, predicted = torch.max(outputs.data, 1)
            total += labels.size(0)
            correct += (predicted == labels).sum().item()
            accuracy = correct / total
            return accuracy
        print(f"Accuracy (GD): {evaluate(net_gd, testloader)}")
        print(f"Accuracy (SGD): {evaluate(net_sgd, testloader)}")
        print(f"Accuracy (Adam): {evaluate(net_adam, testloader)}")
        print(f"Accuracy (Adagrad): {evaluate(net_adagrad, testloader)}")


# %%
import torch
import torch.nn as nn
import torch.nn.init as init


# %%
class Net(nn.Module):
    def __init__(self, input_dim, hidden_dim, output_dim):
        super(Net, self).__init__()
        self.fc1 = nn.Linear(input_dim, hidden_dim)
        self.relu = nn.ReLU()
        self.fc2 = nn.Linear(hidden_dim, output_dim)
    def forward(self, x):
        x = self.fc1(x)
        x = self.relu(x)
        x = self.fc2(x)
        return x


# %%
input_dim = 10
hidden_dim = 5
output_dim = 1
# Zero initialization
net1 = Net(input_dim, hidden_dim, output_dim)
init.zeros_(net1.fc1.weight)
# Random initialization
net2 = Net(input_dim, hidden_dim, output_dim)
init.normal_(net2.fc1.weight, mean=0.0, std=1.0)
# He initialization
net3 = Net(input_dim, hidden_dim, output_dim)
init.kaiming_normal_(net3.fc1.weight, mode='fan_in', nonlinearity='relu')
# Xavier initialization
net4 = Net(input_dim, hidden_dim, output_dim)
init.xavier_normal_(net4.fc1.weight, gain=1.0)


# %%
tensor([[-0.6746, -0.1666, -0.1748, -0.0714, -0.4140, -0.0485, -0.1591, 0.0879,
-0.3632, -0.1306],
[-0.5395, 0.2962, 0.0503, 0.3516, -0.5553, 0.4072, 0.0672, -0.5037,
0.3522, -0.5975],
[ 0.2608, 0.0319, -0.6838, 0.4229, -0.0543, -0.1826, -0.1507, -0.6136,
0.1886, 0.0607],
[ 0.6353, 0.1831, -0.0231, 0.2272, -0.3765, -0.0836, 0.0600, 0.0219,
-0.3620, -0.3088],
[-0.1166, 0.0843, 0.3571, -0.3059, -0.0889, -0.5047, -0.0393, 0.3806,
-0.5276, -0.7410]], requires_grad=True)


# %%
print("Zero initialization:")
print(net1.fc1.weight)
print("\nRandom initialization:")
print(net2.fc1.weight)
print("\nHe initialization:")
print(net3.fc1.weight)
print("\nXavier initialization:")
print(net4.fc1.weight)


# %%
tensor([[0., 0., 0., 0., 0., 0., 0., 0., 0., 0.],
[0., 0., 0., 0., 0., 0., 0., 0., 0., 0.],
[0., 0., 0., 0., 0., 0., 0., 0., 0., 0.],
[0., 0., 0., 0., 0., 0., 0., 0., 0., 0.],
[0., 0., 0., 0., 0., 0., 0., 0., 0., 0.]], requires_grad=True)


# %%
tensor([[-1.4786, -0.2735, -0.9163, -1.7721, 0.5327, 0.7671, -0.2004, -0.7213,
1.0181, -0.0855],
[ 0.8277, 0.9052, 0.4189, -0.3110, -0.9700, 0.9588, 0.7563, -0.6447,
-0.7390, -0.6432],
[-0.2596, -0.5069, -2.3097, 0.4104, 0.4554, -1.2092, 0.9200, 0.4286,
0.7121, -0.2004],
[-0.8539, 0.9522, 0.8958, -0.4430, -2.0590, -0.4515, -0.2793, -0.6070,
-0.0307, -0.9504],
[-1.0107, 1.5655, -0.7703, -0.6372, -0.9168, -0.9050, 0.0201, -0.5806,
0.0809, -0.1774]], requires_grad=True)


# %%
tensor([[-0.6969, 0.4638, -0.2316, 0.1529, -0.1540, -0.2922, -0.0373, -0.2154,
-0.0805, -0.4433],
[ 0.1935, 0.3078, -0.2079, -0.3709, 0.3192, -0.2280, -0.2849, 0.3079,
-0.4114, 0.4180],
[ 0.2426, 0.4387, -0.1261, -0.0610, 0.9711, 0.3749, 0.4397, -0.5629,
-0.4241, 0.6073],
[-0.4289, 0.2947, 0.0289, 0.3074, 0.4205, -0.0612, -0.1620, 0.0061,
-0.2503, -0.6516],
[ 0.0996, 0.3785, 0.1639, 0.0624, 0.5275, -0.5329, -0.1743, -0.2095,
0.2404, -0.1766]], requires_grad=True)


# %%
tensor([[-0.6746, -0.1666, -0.1748, -0.0714, -0.4140, -0.0485, -0.1591, 0.0879,
-0.3632, -0.1306],
[-0.5395, 0.2962, 0.0503, 0.3516, -0.5553, 0.4072, 0.0672, -0.5037,
0.3522, -0.5975],
[ 0.2608, 0.0319, -0.6838, 0.4229, -0.0543, -0.1826, -0.1507, -0.6136,
0.1886, 0.0607],
[ 0.6353, 0.1831, -0.0231, 0.2272, -0.3765, -0.0836, 0.0600, 0.0219,
-0.3620, -0.3088],
[-0.1166, 0.0843, 0.3571, -0.3059, -0.0889, -0.5047, -0.0393, 0.3806,
-0.5276, -0.7410]], requires_grad=True)
Conclusion


# %%
import torch
import torch.nn as nn
import torch.optim as optim
Sigmoid


# %%
def sigmoid(x):
    return 1 / (1 + torch.exp(-x))


# %%
def relu(x):
    return torch.max(torch.tensor(0), x)


# %%
def tanh(x):
    return torch.tanh(x)


# %%
def leakyrelu(x, alpha=0.1):
    return torch.max(torch.tensor(0.1 * x), x)
Softmax


# %%
def softmax(x, dim=0):
    return torch.exp(x) / torch.sum(torch.exp(x), dim=-dim)
Test


# %%
x = torch.randn(5)
print(f"Input: {x}\n")
# Sigmoid
output_sigmoid = sigmoid(x)
print(f"Sigmoid output: {output_sigmoid}\n")
# ReLU
output_relu = relu(x)
print(f"ReLU output: {output_relu}\n")
# Tanh
output_tanh = tanh(x)
print(f"Tanh output: {output_tanh}\n")
# LeakyReLU
output_leakyrelu = leakyrelu(x)
print(f"LeakyReLU output: {output_leakyrelu}\n")
# Softmax
output_softmax = softmax(x, dim=1)
print(f"Softmax output: {output_softmax}\n")
Input: tensor([0.6885, 1.8909, 1.0505, 0.8948, 0.0618])


# %%
import torch
import torch.nn as nn
import torchvision.datasets as datasets
import torchvision.transforms as transforms


# %%
class Net(nn.Module):
    def __init__(self, input_size, hidden_size, num_classes, activation_func):
        super(Net, self).__init__()
        self.fc1 = nn.Linear(input_size, hidden_size)
        self.fc2 = nn.Linear(hidden_size, num_classes)
        self.activation_func = activation_func
    def forward(self, x):
        out = self.fc1(x)
        out = self.activation_func(out)
        out = self.fc2(out)
        return out


# %%
train_dataset = datasets.MNIST(root='./data', train=True, transform=transforms.ToTensor(), download=True)
test_dataset = datasets.MNIST(root='./data', train=False, transform=transforms.ToTensor())
# Define the data loaders
batch_size = 100
train_loader = torch.utils.data.DataLoader(dataset=train_dataset, batch_size=batch_size, shuffle=True)
test_loader = torch.utils.data.DataLoader(dataset=test_dataset, batch_size=batch_size, shuffle=False)
Train
# Define the neural network parameters
input_size = 784 # 28x28 pixels
hidden_size = 100
num_classes = 10
learning_rate = 0.01
num_epochs = 10
# Define the activation functions
sigmoid_func = nn.Sigmoid()
relu_func = nn.ReLU()
tanh_func = nn.Tanh()
leakyrelu_func = nn.LeakyReLU()
softmax_func = nn.Softmax(dim=1)
# Train the neural network using different activation functions
activation_funcs = [sigmoid_func, relu_func, tanh_func, leakyrelu_func, softmax_func]
for i, func in enumerate(activation_funcs):
    print(f"Training neural network with activation function {i+1}: {func.__class__.__name__}")
    # Define the neural network
    net = Net(input_size, hidden_size, num_classes, func)
    # Define the loss function and optimizer
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(net.parameters(), lr=learning_rate)
    # Train the neural network
    for epoch in range(num_epochs):
        for images, labels in train_loader:
            # Reshape the images
            images = images.reshape(-1, input_size)
            # Forward pass
            outputs = net(images)
            loss = criterion(outputs, labels)
            # Backward and optimize
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            # Print the training loss for each epoch
            print(f"Epoch [{epoch+1}/{num_epochs}], Loss: {loss.item():.4f}")
            # Test the neural network on the test dataset
            with torch.no_grad():
                correct = 0
                total = 0
                for images, labels in test_loader:
                    # Reshape the images
                    images = images.reshape(-1, input_size)
                    # Forward pass
                    outputs = net(images)
                    _, predicted = torch.max(outputs.data, 1)
                    total += labels.size(0)
                    correct += (predicted == labels).sum().item()
                    # Print the accuracy on the test dataset
                    print(f"Accuracy on test dataset with activation function {i+1}: {(correct / total) * 100:.2f}%")


# %%
import torch
import torch.nn as nn
import torch.optim as optim
from torch.utils.data import Dataset, DataLoader
import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
Dataset


# %%
df = pd.read_csv('https://archive.ics.uci.edu/ml/machine-learning-databases/breast-cancer-wisconsin/wdbc.data', header=None)
X = df.iloc[:,2:].values
y = df.iloc[:,1].values
y = np.where(y=='M', 1, 0)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=42)
scaler = StandardScaler()
X_train = scaler.fit_transform(X_train)
X_test = scaler.transform(X_test)
class CancerDataset(Dataset):
    def __init__(self, X, y):
        self.X = X
        self.y = y
    def __len__(self):
        return len(self.X)
    def __getitem__(self, idx):
        return self.X[idx], self.y[idx]
    train_data = CancerDataset(X_train, y_train)
    test_data = CancerDataset(X_test, y_test)
    train_loader = DataLoader(train_data, batch_size=32, shuffle=True)
    test_loader = DataLoader(test_data, batch_size=32, shuffle=False)


# %%
class ANN(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(30, 64)
        self.fc2 = nn.Linear(64, 32)
        self.fc3 = nn.Linear(32, 1)
        self.dropout = nn.Dropout(0.5)
        self.relu = nn.ReLU()
        self.sigmoid = nn.Sigmoid()
    def forward(self, x):
        x = self.fc1(x)
        x = self.relu(x)
        x = self.dropout(x)
        x = self.fc2(x)
        x = self.relu(x)
        x = self.dropout(x)
        x = self.fc3(x)
        x = self.sigmoid(x)
        return x


# %%
def train(model, optimizer, criterion, train_loader, test_loader, scheduler=None, num_epochs=10):
    train_losses = []
    test_losses = []
    train_accs = []
    test_accs = []
    for epoch in range(num_epochs):
        model.train()
        train_loss = 0.0
        train_acc = 0.0
        for X, y in train_loader:
            optimizer.zero_grad()
            y_pred = model(X.float())
            loss = criterion(y_pred.squeeze(), y.float())
            loss.backward()
            optimizer.step()
            train_loss += loss.item()
            train_acc = ((y_pred >= 0.5).squeeze().long() == y.long()).sum().item() / y.size(0)
            train_accs.append(train_acc)
            train_loss /= len(train_loader)
            train_losses.append(train_loss)
            test_loss = 0.0
            test_acc = 0.0
            with torch.no_grad():
                for X, y in test_loader:
                    y_pred = model(X.float())
                    loss = criterion(y_pred.squeeze(), y.float())
                    test_loss += loss.item()
                    test_acc += ((y_pred >= 0.5).squeeze().long() == y.long()).sum().item()
                    test_loss /= len(test_loader)
                    test_losses.append(test_loss)
                    test_acc /= len(test_data)
                    test_accs.append(test_acc)
                    if scheduler is not None:
                        scheduler.step()
                        print(f'Epoch {epoch+1}/{num_epochs}, Train Loss: {train_loss:.4f}, Test Loss: {test_loss:.4f}, Train Acc: {train_acc:.4f}, Test Acc: {test_acc:.4f}')
                        return train_losses, test_losses, train_accs, test_accs


# %%
model = ANN()
criterion = nn.BCELoss()
optimizer = optim.Adam(model.parameters(), lr=0.001)
scheduler = optim.lr_scheduler.StepLR(optimizer, step_size=30, gamma=0.1)
train_losses, test_losses, train_accs, test_accs = train(model, optimizer, criterion, train_loader, test_loader, scheduler=scheduler, num_epochs=10)


# %%
model = ANN()
criterion = nn.BCELoss()
optimizer = optim.Adam(model.parameters(), lr=0.001)
scheduler = optim.lr_scheduler.CyclicLR(optimizer, base_lr=0.001, max_lr=0.01, cycle_momentum=False)
train_losses, test_losses, train_accs, test_accs = train(model, optimizer, criterion, train_loader, test_loader, scheduler=scheduler, num_epochs=10)


# %%
model = ANN()
criterion = nn.BCELoss()
optimizer = optim.Adam(model.parameters(), lr=0.001)
scheduler = optim.lr_scheduler.OneCycleLR(optimizer, max_lr=0.01, total_steps=len(train_loader)*2)
train_losses, test_losses, train_accs, test_accs = train(model, optimizer, criterion, train_loader, test_loader, scheduler=scheduler, num_epochs=10)


# %%
model = ANN()
criterion = nn.BCELoss()
optimizer = optim.SGD(model.parameters(), lr=0.01)
scheduler = optim.lr_scheduler.CosineAnnealingWarmRestarts(optimizer, T_0=5, T_mult=2, eta_min=0.0001)
train_losses, test_losses, train_accs, test_accs = train(model, optimizer, criterion, train_loader, test_loader, scheduler=scheduler, num_epochs=10)


# %%
import matplotlib.pyplot as plt
plt.figure(figsize=(10,5))
plt.subplot(1,2,1)
plt.plot(train_losses, label='Train Loss')
plt.plot(test_losses, label='Test Loss')
plt.legend()
plt.title('Loss')
plt.subplot(1,2,2)
plt.plot(train_accs, label='Train Acc')
plt.plot(test_accs, label='Test Acc')
plt.legend()
plt.title('Accuracy')
plt.show()


# %%
import torch
import torchvision.datasets as datasets
import torchvision.transforms as transforms
# Define transforms for the dataset
transform = transforms.Compose([transforms.ToTensor(),
transforms.Normalize((0.5,), (0.5,))])
# Load the training and test datasets
train_dataset = datasets.MNIST(root='./data', train=True, download=True, transform=transform)
test_dataset = datasets.MNIST(root='./data', train=False, download=True, transform=transform)
# Define data loaders for the training and test datasets
batch_size = 128
train_loader = torch.utils.data.DataLoader(train_dataset, batch_size=batch_size, shuffle=True)
test_loader = torch.utils.data.DataLoader(test_dataset, batch_size=batch_size, shuffle=False)


# %%
import torch.nn as nn
class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.fc1 = nn.Linear(28*28, 256)
        self.fc2 = nn.Linear(256, 128)
        self.fc3 = nn.Linear(128, 10)
    def forward(self, x):
        x = x.view(-1, 28*28)
        x = nn.functional.relu(self.fc1(x))
        x = nn.functional.relu(self.fc2(x))
        x = self.fc3(x)
        return x
    model = Net()
    Training
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
def train(model, dataloader, criterion, optimizer):
    model.train()
    for i, (images, labels) in enumerate(dataloader):
        optimizer.zero_grad()
        outputs = model(images)
        loss = criterion(outputs, labels)
        loss.backward()
        optimizer.step()
def test(model, dataloader):
    model.eval()
    correct = 0
    total = 0
    with torch.no_grad():
        for images, labels in dataloader:
            outputs = model(images)
            _, predicted = torch.max(outputs.data, 1)
            total += labels.size(0)
            correct += (predicted == labels).sum().item()
            accuracy = 100 * correct / total
            return accuracy
        num_epochs = 10
        for epoch in range(num_epochs):
            train(model, train_loader, criterion, optimizer)
            train_accuracy = test(model, train_loader)
            test_accuracy = test(model, test_loader)
            print('Epoch [{}/{}], Train Accuracy: {:.2f}%, Test Accuracy: {:.2f}%'
            .format(epoch+1, num_epochs, train_accuracy, test_accuracy))


# %%
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.01, weight_decay=0.001)
def train(model, dataloader, criterion, optimizer):
    model.train()
    for i, (images, labels) in enumerate(dataloader):
        optimizer.zero_grad()
        outputs = model(images)
        loss = criterion(outputs, labels)
        l1_reg = torch.tensor(0.)
        for name, param in model.named_parameters():
            if 'weight' in name:
                l1_reg += torch.norm(param, 1)
                loss += 0.001 * l1_reg
                loss.backward()
                optimizer.step()
                num_epochs = 10
                for epoch in range(num_epochs):
                    train(model, train_loader, criterion, optimizer)
                    train_accuracy = test(model, train_loader)
                    test_accuracy = test(model, test_loader)
                    print('Epoch [{}/{}], Train Accuracy: {:.2f}%, Test Accuracy: {:.2f}%'
                    .format(epoch+1, num_epochs, train_accuracy, test_accuracy))


# %%
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.01, weight_decay=0.001)
def train(model, dataloader, criterion, optimizer):
    model.train()
    for i, (images, labels) in enumerate(dataloader):
        optimizer.zero_grad()
        outputs = model(images)
        loss = criterion(outputs, labels)
        l2_reg = torch.tensor(0.)
        for name, param in model.named_parameters():
            if 'weight' in name:
                l2_reg += torch.norm(param, 2)**2
                loss += 0.001 * l2_reg
                loss.backward()
                optimizer.step()
                num_epochs = 10
                for epoch in range(num_epochs):
                    train(model, train_loader, criterion, optimizer)
                    train_accuracy = test(model, train_loader)
                    test_accuracy = test(model, test_loader)
                    print('Epoch [{}/{}], Train Accuracy: {:.2f}%, Test Accuracy: {:.2f}%'
                    .format(epoch+1, num_epochs, train_accuracy, test_accuracy))


# %%
class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.fc1 = nn.Linear(784, 500)
        self.dropout1 = nn.Dropout(p=0.5)
        self.fc2 = nn.Linear(500, 250)
        self.dropout2 = nn.Dropout(p=0.5)
        self.fc3 = nn.Linear(250, 10)
    def forward(self, x):
        x = x.view(-1, 28*28)
        x = nn.functional.relu(self.fc1(x))
        x = self.dropout1(x)
        x = nn.functional.relu(self.fc2(x))
        x = self.dropout2(x)
        x = self.fc3(x)
        return x
    model = Net()
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, weight_decay=0.001)
def train(model, dataloader, criterion, optimizer):
    model.train()
    for i, (images, labels) in enumerate(dataloader):
        optimizer.zero_grad()
        outputs = model(images)
        loss = criterion(outputs, labels)
        loss.backward()
        optimizer.step()
def test(model, dataloader):
    model.eval()
    with torch.no_grad():
        total = 0
        correct = 0
        for images, labels in dataloader:
            outputs = model(images)
            _, predicted = torch.max(outputs.data, 1)
            total += labels.size(0)
            correct += (predicted == labels).sum().item()
            accuracy = 100 * correct / total
            return accuracy
        num_epochs = 10
        for epoch in range(num_epochs):
            model.train()
            for i, (images, labels) in enumerate(train_loader):
                optimizer.zero_grad()
                outputs = model(images)
                loss = criterion(outputs, labels)
                loss.backward()
                optimizer.step()
                train_accuracy = test(model, train_loader)
                test_accuracy = test(model, test_loader)
                print('Epoch [{}/{}], Train Accuracy: {:.2f}%, Test Accuracy: {:.2f}%'
                .format(epoch+1, num_epochs, train_accuracy, test_accuracy))


# %%
import torch
import torch.nn as nn
import torch.optim as optim
class MyModel(nn.Module):
    def __init__(self):
        super(MyModel, self).__init__()
        self.fc1 = nn.Linear(784, 256)
        self.bn1 = nn.BatchNorm1d(256)
        self.fc2 = nn.Linear(256, 128)
        self.bn2 = nn.BatchNorm1d(128)
        self.fc3 = nn.Linear(128, 64)
        self.bn3 = nn.BatchNorm1d(64)
        self.fc4 = nn.Linear(64, 10)
    def forward(self, x):
        x = x.view(-1, 784)
        x = self.bn1(self.fc1(x))
        x = nn.functional.relu(x)
        x = nn.functional.dropout(x, p=0.5)
        x = self.bn2(self.fc2(x))
        x = nn.functional.relu(x)
        x = nn.functional.dropout(x, p=0.5)
        x = self.bn3(self.fc3(x))
        x = nn.functional.relu(x)
        x = nn.functional.dropout(x, p=0.5)
        x = self.fc4(x)
        return x
    # initialize the model
    model = MyModel()
    # set up the optimizer
    optimizer = optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    # set up the loss function
    criterion = nn.CrossEntropyLoss()
def train(model, dataloader, criterion, optimizer):
    model.train()
    for i, (images, labels) in enumerate(dataloader):
        optimizer.zero_grad()
        outputs = model(images)
        loss = criterion(outputs, labels)
        loss.backward()
        optimizer.step()
def test(model, dataloader):
    model.eval()
    with torch.no_grad():
        total = 0
        correct = 0
        for images, labels in dataloader:
            outputs = model(images)
            _, predicted = torch.max(outputs.data, 1)
            total += labels.size(0)
            correct += (predicted == labels).sum().item()
            accuracy = 100 * correct / total
            return accuracy
        num_epochs = 10
        for epoch in range(num_epochs):
            model.train()
            for i, (images, labels) in enumerate(train_loader):
                optimizer.zero_grad()
                outputs = model(images)
                loss = criterion(outputs, labels)
                loss.backward()
                optimizer.step()
                train_accuracy = test(model, train_loader)
                test_accuracy = test(model, test_loader)
                print('Epoch [{}/{}], Train Accuracy: {:.2f}%, Test Accuracy: {:.2f}%'
                .format(epoch+1, num_epochs, train_accuracy, test_accuracy))
