// The whole consumer: fit a ZScore and check that the planted outlier scores highest.
#include <anomaly/anomaly.hpp>
int main() {
  const anomaly::Matrix<double> X{{1.0}, {1.1}, {0.9}, {1.0}, {9.0}};
  Eigen::Index worst = 0;
  anomaly::ZScore<>{}.fit(X).score(X).maxCoeff(&worst);
  return worst == 4 ? 0 : 1;
}
