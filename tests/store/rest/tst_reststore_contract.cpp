#include "KeyStoreContract.h"
#include "RestContractStore.h"

int main(int argc, char* argv[])
{
    return RestContractStore::runSuite<KeyStoreContract>(argc, argv);
}
